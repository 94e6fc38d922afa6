// App tier: every hostname is unique across the installation, whatever the names look like and
// however many requests race for one.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { createApiToken, createUser } from '../store/users.js';
import type { createApp } from './app.js';
import { makeTestApp } from './test-app.js';

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
      const res = await call('PATCH', '/projects/attacker/services/web/settings', { domain });
      expect(res.status, domain).toBe(400);
      expect(res.json.error).toMatch(/is under spur\.test, where Spur generates/);
    }
    expect(await publicUrls('attacker', 'web')).toEqual(['http://web-attacker.spur.test']);
  });

  it('belong to one service: a second claim is refused, also when the claims race', async () => {
    expect((await call('PATCH', '/projects/victim/services/web/settings', { domain: 'shop.example.com' })).status).toBe(200);
    const taken = await call('PATCH', '/projects/attacker/services/web/settings', { domain: 'shop.example.com' });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatch(/already used by another service/);

    const racers = ['victim', 'attacker'].flatMap((p) => Array.from({ length: 5 }, () => call('PATCH', `/projects/${p}/services/web/settings`, { domain: 'race.example.com' })));
    const statuses = (await Promise.all(racers)).map((r) => r.status);
    const owners = await deps.db.selectFrom('service_instances').select('service_id').where('custom_domain', '=', 'race.example.com').execute();
    expect(owners).toHaveLength(1);
    expect(statuses.filter((s) => s === 409).length).toBeGreaterThan(0);
  });
});
