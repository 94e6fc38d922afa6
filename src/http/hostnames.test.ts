// App tier: every hostname is unique across the installation, whatever the names look like and
// however many requests race for one.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { createApiToken, createUser } from '../store/users.js';
import type { createApp } from './app.js';
import { makeTestApp } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  const token = await createApiToken(deps.db, owner.id, 'test');
  call = async (method, path, body) => {
    const res = await app.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
});

const publicUrls = async (project: string, service: string, env?: string) => (await call('GET', `/projects/${project}/services/${service}${env ? `?env=${env}` : ''}`)).json.publicUrls;

describe('generated domains', () => {
  it('differ for shop-staging/web in production and shop/web in staging, whichever comes first', async () => {
    for (const [project, service] of [['shop-staging', 'web'], ['shop', 'web']]) {
      expect((await call('POST', '/projects', { name: project })).status).toBe(201);
      expect((await call('POST', `/projects/${project}/services`, { name: service, image: 'nginx' })).status).toBe(201);
    }
    expect((await call('POST', '/projects/shop/environments', { name: 'staging' })).status).toBe(201);
    const a = await publicUrls('shop-staging', 'web');
    const b = await publicUrls('shop', 'web', 'staging');
    expect(a).toEqual(['http://web-shop-staging.spur.test']);
    expect(b).toEqual(['http://web-shop-staging-2.spur.test']);
  });

  it('differ for web-api in shop and api in shop-web… and for the hyphen games in between', async () => {
    const pairs = [['shop', 'web-api'], ['web', 'api-shop'], ['api', 'web-shop'], ['api-shop', 'web']];
    for (const [project] of pairs) expect((await call('POST', '/projects', { name: project })).status).toBe(201);
    await Promise.all(pairs.map(([project, service]) => call('POST', `/projects/${project}/services`, { name: service, image: 'nginx' })));
    const all = (await Promise.all(pairs.map(([p, s]) => publicUrls(p, s)))).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('custom domains', () => {
  beforeEach(async () => {
    for (const project of ['victim', 'attacker']) {
      expect((await call('POST', '/projects', { name: project })).status).toBe(201);
      expect((await call('POST', `/projects/${project}/services`, { name: 'web', image: 'nginx' })).status).toBe(201);
    }
  });

  it("refuse another service's generated domain, and anything under the base domain", async () => {
    for (const domain of ['web-victim.spur.test', 'x.web-victim.spur.test', 'spur.test', 'web-victim-3.spur.test']) {
      const res = await call('POST', '/projects/attacker/services/web/domains', { hostname: domain });
      expect(res.status, domain).toBe(400);
      expect(res.json.error).toMatch(/is under spur\.test, where Spur generates/);
    }
    expect(await publicUrls('attacker', 'web')).toEqual(['http://web-attacker.spur.test']);
  });

  it("refuse Spur's own address", async () => {
    deps.config = { ...deps.config, publicUrl: 'https://spur.example.org:3000' };
    const res = await call('POST', '/projects/attacker/services/web/domains', { hostname: 'SPUR.example.org' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/is Spur's own address/);
  });

  it('belong to one service: a second claim is refused, also when the claims race', async () => {
    expect((await call('POST', '/projects/victim/services/web/domains', { hostname: 'shop.example.com' })).status).toBe(201);
    const taken = await call('POST', '/projects/attacker/services/web/domains', { hostname: 'SHOP.example.com.' });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatch(/already used by another service/);
    expect((await call('GET', '/projects/attacker/services/web/domains')).json.domains).toEqual([]);
    // Another environment of the same service is another owner too.
    expect((await call('POST', '/projects/victim/environments', { name: 'staging' })).status).toBe(201);
    expect((await call('POST', '/projects/victim/services/web/domains?env=staging', { hostname: 'shop.example.com' })).status).toBe(409);

    const racers = ['victim', 'attacker'].flatMap((p) => Array.from({ length: 5 }, () => call('POST', `/projects/${p}/services/web/domains`, { hostname: 'race.example.com' })));
    const statuses = (await Promise.all(racers)).map((r) => r.status);
    const owners = await deps.db.selectFrom('domains').select('service_id').where('hostname', '=', 'race.example.com').execute();
    expect(owners).toHaveLength(1);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
  });

  it('are many per service, listed, routed in the public URLs, and removed', async () => {
    for (const hostname of ['www.shop.example', 'shop.example', 'bücher.example']) {
      expect((await call('POST', '/projects/victim/services/web/domains', { hostname })).status).toBe(201);
    }
    const domains = (await call('GET', '/projects/victim/services/web/domains')).json.domains;
    expect(domains.map((d: { hostname: string }) => d.hostname)).toEqual(['shop.example', 'www.shop.example', 'xn--bcher-kva.example']);
    // Where each name points, against this server's address (the test app's DNS: `.example` here).
    expect(domains[0].dns).toEqual({ points: 'here', found: ['203.0.113.7'], expected: ['203.0.113.7'] });
    expect((await call('POST', '/projects/victim/services/web/domains', { hostname: 'nowhere.org' })).json.domain.dns).toEqual({ points: 'nowhere', found: [], expected: ['203.0.113.7'] });
    expect((await call('DELETE', '/projects/victim/services/web/domains/nowhere.org')).status).toBe(200);
    expect(await publicUrls('victim', 'web')).toEqual(['http://web-victim.spur.test', 'http://shop.example', 'http://www.shop.example', 'http://xn--bcher-kva.example']);
    expect((await call('POST', '/projects/victim/services/web/domains', { hostname: 'shop.example' })).json.error).toMatch(/already a domain of this service/);
    expect((await call('DELETE', '/projects/victim/services/web/domains/shop.example')).status).toBe(200);
    expect((await call('DELETE', '/projects/victim/services/web/domains/shop.example')).status).toBe(404);
    expect(await publicUrls('victim', 'web')).toEqual(['http://web-victim.spur.test', 'http://www.shop.example', 'http://xn--bcher-kva.example']);
    // They go with their service (the foreign key cascades): a deleted service's hostnames are free again.
    await deps.db.deleteFrom('services').where('id', '=', (await deps.db.selectFrom('domains').select('service_id').where('hostname', '=', 'www.shop.example').executeTakeFirstOrThrow()).service_id).execute();
    expect((await call('POST', '/projects/attacker/services/web/domains', { hostname: 'www.shop.example' })).status).toBe(201);
  });
});

describe('domain redirects', () => {
  beforeEach(async () => {
    expect((await call('POST', '/projects', { name: 'shop' })).status).toBe(201);
    expect((await call('POST', '/projects/shop/services', { name: 'web', image: 'nginx' })).status).toBe(201);
    for (const hostname of ['shop.example', 'www.shop.example', 'm.shop.example']) expect((await call('POST', '/projects/shop/services/web/domains', { hostname })).status).toBe(201);
  });
  const redirect = (from: string, redirectTo: unknown) => call('PATCH', `/projects/shop/services/web/domains/${from}`, { redirectTo });

  it('send www. to the apex: the redirecting name leaves the served URLs', async () => {
    const res = await redirect('www.shop.example', 'SHOP.example.');
    expect(res.status).toBe(200);
    expect(res.json.domain.redirectTo).toBe('shop.example');
    expect((await call('GET', '/projects/shop/services/web')).json.publicUrls).toEqual(['http://web-shop.spur.test', 'http://m.shop.example', 'http://shop.example']);
    expect((await redirect('www.shop.example', 'none')).json.domain.redirectTo).toBeNull();
  });

  it('refuse a redirect to itself, to a name the service does not have, and any chain', async () => {
    expect((await redirect('www.shop.example', 'www.shop.example')).json.error).toMatch(/cannot redirect to itself/);
    expect((await redirect('www.shop.example', 'elsewhere.example')).json.error).toMatch(/is not a domain of web in production; add it first/);
    expect((await redirect('www.shop.example', 'shop.example')).status).toBe(200);
    expect((await redirect('m.shop.example', 'www.shop.example')).json.error).toMatch(/www\.shop\.example redirects to shop\.example itself/);
    expect((await redirect('shop.example', 'm.shop.example')).json.error).toMatch(/www\.shop\.example redirects to shop\.example; a redirect may not lead to another/);
    expect((await redirect('www.shop.example', 'a.com`) || Host(`b.com')).status).toBe(400);
  });

  it('end when their target is removed', async () => {
    expect((await redirect('www.shop.example', 'shop.example')).status).toBe(200);
    expect((await call('DELETE', '/projects/shop/services/web/domains/shop.example')).status).toBe(200);
    const www = (await call('GET', '/projects/shop/services/web/domains')).json.domains.find((d: { hostname: string }) => d.hostname === 'www.shop.example');
    expect(www.redirectTo).toBeNull();
  });
});
