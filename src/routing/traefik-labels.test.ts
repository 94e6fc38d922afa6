import { describe, expect, it } from 'vitest';
import { hostRule, traefikLabels } from './traefik-labels.js';

describe('traefikLabels', () => {
  it('routes every domain of a service to its port over the edge network', () => {
    expect(traefikLabels({ name: 'spur_shop_web_production', domains: ['web-shop.example.com', 'shop.com'], port: 8080 })).toEqual({
      'traefik.enable': 'true',
      'traefik.swarm.network': 'spur-edge',
      'traefik.http.routers.spur-shop-web-production.rule': 'Host(`web-shop.example.com`) || Host(`shop.com`)',
      'traefik.http.routers.spur-shop-web-production.entrypoints': 'web',
      'traefik.http.routers.spur-shop-web-production.service': 'spur-shop-web-production',
      'traefik.http.routers.spur-shop-web-production.middlewares': 'spur-shop-web-production-retry',
      'traefik.http.middlewares.spur-shop-web-production-retry.retry.attempts': '3',
      'traefik.http.services.spur-shop-web-production.loadbalancer.server.port': '8080',
    });
  });
  it.each(['a.com`) || Host(`b.com', 'a.com,b.com', 'A.com', 'a.com:80', 'a b.com', 'localhost', ''])('refuses to put %j into a rule', (d) => {
    expect(() => hostRule([d])).toThrow(/refusing to route/);
  });
  it('needs at least one domain', () => expect(() => hostRule([])).toThrow());
});
