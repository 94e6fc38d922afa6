import { describe, expect, it } from 'vitest';
import { hostRule, traefikLabels } from './traefik-labels.js';

describe('traefikLabels', () => {
  it('routes every domain of a service to its port over the edge network', () => {
    expect(traefikLabels({ name: 'spur_shop_web_production', domains: ['web-shop.example.com', 'shop.com'], secureDomains: [], hstsDomains: [], redirects: [], port: 8080 })).toEqual({
      'traefik.enable': 'true',
      'traefik.swarm.network': 'spur-edge',
      'traefik.http.routers.spur_shop_web_production.rule': 'Host(`web-shop.example.com`) || Host(`shop.com`)',
      'traefik.http.routers.spur_shop_web_production.entrypoints': 'web',
      'traefik.http.routers.spur_shop_web_production.service': 'spur_shop_web_production',
      'traefik.http.routers.spur_shop_web_production.middlewares': 'spur_shop_web_production-retry',
      'traefik.http.middlewares.spur_shop_web_production-retry.retry.attempts': '3',
      'traefik.http.services.spur_shop_web_production.loadbalancer.server.port': '8080',
    });
  });
  it('serves domains with a certificate on websecure with TLS, and redirects their plain HTTP there', () => {
    expect(traefikLabels({ name: 'spur_shop_web_production', domains: ['web-shop.example.com'], secureDomains: ['shop.com', 'www.shop.com'], hstsDomains: [], redirects: [], port: 8080 })).toEqual({
      'traefik.enable': 'true',
      'traefik.swarm.network': 'spur-edge',
      'traefik.http.routers.spur_shop_web_production.rule': 'Host(`web-shop.example.com`)',
      'traefik.http.routers.spur_shop_web_production.entrypoints': 'web',
      'traefik.http.routers.spur_shop_web_production.service': 'spur_shop_web_production',
      'traefik.http.routers.spur_shop_web_production.middlewares': 'spur_shop_web_production-retry',
      'traefik.http.middlewares.spur_shop_web_production-retry.retry.attempts': '3',
      'traefik.http.services.spur_shop_web_production.loadbalancer.server.port': '8080',
      'traefik.http.routers.spur_shop_web_production-secure.rule': 'Host(`shop.com`) || Host(`www.shop.com`)',
      'traefik.http.routers.spur_shop_web_production-secure.entrypoints': 'websecure',
      'traefik.http.routers.spur_shop_web_production-secure.tls': 'true',
      'traefik.http.routers.spur_shop_web_production-secure.service': 'spur_shop_web_production',
      'traefik.http.routers.spur_shop_web_production-secure.middlewares': 'spur_shop_web_production-retry',
      'traefik.http.routers.spur_shop_web_production-to-https.rule': 'Host(`shop.com`) || Host(`www.shop.com`)',
      'traefik.http.routers.spur_shop_web_production-to-https.entrypoints': 'web',
      'traefik.http.routers.spur_shop_web_production-to-https.service': 'spur_shop_web_production',
      'traefik.http.routers.spur_shop_web_production-to-https.middlewares': 'spur_shop_web_production-to-https',
      'traefik.http.middlewares.spur_shop_web_production-to-https.redirectscheme.scheme': 'https',
      'traefik.http.middlewares.spur_shop_web_production-to-https.redirectscheme.permanent': 'true',
    });
  });
  it('adds Strict-Transport-Security only on the HTTPS router of the domains that opted in', () => {
    const labels = traefikLabels({ name: 'k', domains: ['g.example.com'], secureDomains: ['a.com', 'b.com'], hstsDomains: ['b.com'], redirects: [], port: 80 });
    expect(Object.fromEntries(Object.entries(labels).filter(([key]) => /secure|hsts/.test(key)))).toEqual({
      'traefik.http.routers.k-secure.rule': 'Host(`a.com`)',
      'traefik.http.routers.k-secure.entrypoints': 'websecure',
      'traefik.http.routers.k-secure.tls': 'true',
      'traefik.http.routers.k-secure.service': 'k',
      'traefik.http.routers.k-secure.middlewares': 'k-retry',
      'traefik.http.routers.k-secure-hsts.rule': 'Host(`b.com`)',
      'traefik.http.routers.k-secure-hsts.entrypoints': 'websecure',
      'traefik.http.routers.k-secure-hsts.tls': 'true',
      'traefik.http.routers.k-secure-hsts.service': 'k',
      'traefik.http.routers.k-secure-hsts.middlewares': 'k-retry,k-hsts',
      'traefik.http.middlewares.k-hsts.headers.stsseconds': '31536000',
    });
    expect(labels['traefik.http.routers.k-to-https.rule']).toBe('Host(`a.com`) || Host(`b.com`)');
  });
  it('redirects www. to the apex, keeping the path, over HTTP and (with its certificate) HTTPS', () => {
    const labels = traefikLabels({ name: 'k', domains: ['g.example.com'], secureDomains: ['shop.com'], hstsDomains: [], redirects: [{ from: 'www.shop.com', to: 'https://shop.com', secure: true }], port: 80 });
    expect(Object.fromEntries(Object.entries(labels).filter(([key]) => key.includes('redirect-')))).toEqual({
      'traefik.http.middlewares.k-redirect-1.redirectregex.regex': '^https?://www\\.shop\\.com(:[0-9]+)?/(.*)',
      'traefik.http.middlewares.k-redirect-1.redirectregex.replacement': 'https://shop.com/${2}',
      'traefik.http.middlewares.k-redirect-1.redirectregex.permanent': 'true',
      'traefik.http.routers.k-redirect-1.rule': 'Host(`www.shop.com`)',
      'traefik.http.routers.k-redirect-1.entrypoints': 'web',
      'traefik.http.routers.k-redirect-1.service': 'k',
      'traefik.http.routers.k-redirect-1.middlewares': 'k-redirect-1',
      'traefik.http.routers.k-redirect-1-secure.rule': 'Host(`www.shop.com`)',
      'traefik.http.routers.k-redirect-1-secure.entrypoints': 'websecure',
      'traefik.http.routers.k-redirect-1-secure.tls': 'true',
      'traefik.http.routers.k-redirect-1-secure.service': 'k',
      'traefik.http.routers.k-redirect-1-secure.middlewares': 'k-redirect-1',
    });
    expect(() => traefikLabels({ name: 'k', domains: ['g.example.com'], secureDomains: [], hstsDomains: [], redirects: [{ from: 'www.shop.com', to: 'https://evil.com/`) || Host(`x', secure: false }], port: 80 })).toThrow(/refusing to redirect/);
  });
  it.each(['a.com`) || Host(`b.com', 'a.com,b.com', 'A.com', 'a.com:80', 'a b.com', 'localhost', ''])('refuses to put %j into a rule', (d) => {
    expect(() => hostRule([d])).toThrow(/refusing to route/);
  });
  it('gives services whose hyphenated names look alike different routers', () => {
    const a = Object.keys(traefikLabels({ name: 'spur_sec_shop-web_production', domains: ['a.example.com'], secureDomains: ['c.example.com'], hstsDomains: ['c.example.com'], redirects: [{ from: 'www.c.example.com', to: 'https://c.example.com', secure: true }], port: 1 }));
    const b = Object.keys(traefikLabels({ name: 'spur_sec-shop_web_production', domains: ['b.example.com'], secureDomains: ['d.example.com'], hstsDomains: [], redirects: [{ from: 'www.d.example.com', to: 'https://d.example.com', secure: true }], port: 1 }));
    expect(a.filter((k) => b.includes(k) && k !== 'traefik.enable' && k !== 'traefik.swarm.network')).toEqual([]);
  });
  it('needs at least one domain', () => expect(() => hostRule([])).toThrow());
});
