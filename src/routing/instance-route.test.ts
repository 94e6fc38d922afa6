import { describe, expect, it } from 'vitest';
import { instanceRoute, routeUrls } from './instance-route.js';

const now = new Date('2026-11-25T12:00:00Z');
const valid = '2027-02-23T12:00:00.000Z';
const expired = '2026-11-24T12:00:00.000Z';
const route = (domains: { hostname: string; https: number; hsts: number; redirect_to?: string | null; not_after: string | null }[]) =>
  instanceRoute({ name: 'spur_shop_web_production', instance: { domain_label: 'web-shop', port: 3000 }, domains: domains.map((d) => ({ redirect_to: null, ...d })), baseDomain: 'spur.test', now });

describe('instanceRoute', () => {
  it('serves a domain over HTTPS only with HTTPS on and a certificate that has not expired', () => {
    const r = route([
      { hostname: 'a.example', https: 1, hsts: 0, not_after: valid },
      { hostname: 'b.example', https: 1, hsts: 1, not_after: valid },
      { hostname: 'c.example', https: 1, hsts: 1, not_after: null },
      { hostname: 'd.example', https: 1, hsts: 0, not_after: expired },
      { hostname: 'e.example', https: 0, hsts: 0, not_after: valid },
    ]);
    expect(r).toEqual({ name: 'spur_shop_web_production', domains: ['web-shop.spur.test', 'c.example', 'd.example', 'e.example'], secureDomains: ['a.example', 'b.example'], hstsDomains: ['b.example'], redirects: [], port: 3000 });
    expect(routeUrls(r)).toEqual(['http://web-shop.spur.test', 'http://c.example', 'http://d.example', 'http://e.example', 'https://a.example', 'https://b.example']);
  });

  it('redirects a domain to another of the instance (its scheme following the target certificate), never in a chain or to itself', () => {
    const r = route([
      { hostname: 'shop.example', https: 1, hsts: 0, not_after: valid },
      { hostname: 'www.shop.example', https: 1, hsts: 0, not_after: null, redirect_to: 'shop.example' },
      { hostname: 'blog.example', https: 1, hsts: 0, not_after: null },
      { hostname: 'www.blog.example', https: 1, hsts: 0, not_after: valid, redirect_to: 'blog.example' },
      { hostname: 'loop.example', https: 1, hsts: 0, not_after: null, redirect_to: 'loop.example' },
      { hostname: 'chain.example', https: 1, hsts: 0, not_after: null, redirect_to: 'www.shop.example' },
      { hostname: 'gone.example', https: 1, hsts: 0, not_after: null, redirect_to: 'removed.example' },
    ]);
    expect(r.redirects).toEqual([
      { from: 'www.shop.example', to: 'https://shop.example', secure: false },
      { from: 'www.blog.example', to: 'http://blog.example', secure: true },
    ]);
    expect(r.domains).toEqual(['web-shop.spur.test', 'blog.example', 'loop.example', 'chain.example', 'gone.example']);
    expect(r.secureDomains).toEqual(['shop.example']);
  });

  it('never routes a custom domain under the base domain', () => {
    expect(route([{ hostname: 'x.spur.test', https: 1, hsts: 0, not_after: valid }]).domains).toEqual(['web-shop.spur.test']);
  });
});
