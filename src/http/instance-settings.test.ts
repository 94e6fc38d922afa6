// App tier: Spur's own domain and ACME contact — who may change them, what is refused, and what
// follows from them (cookies, CSRF origin, links, custom domains).
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { hashPassword } from '../secrets.js';
import { acmeEmail, spurDomain } from '../store/settings.js';
import { createApiToken, createSession, createUser } from '../store/users.js';
import type { createApp } from './app.js';
import { applyEnvironmentSettings } from '../actions/settings.js';
import { ORIGIN, SETUP_TOKEN, makeTestApp } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let ownerToken: string;
let memberToken: string;
let runs = 0;

const call = async (token: string, method: string, path: string, body?: unknown) => {
  const res = await app.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
};
const owner = (method: string, path: string, body?: unknown) => call(ownerToken, method, path, body);

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  runs = 0;
  deps.certificates = { run: async () => void runs++ } as unknown as Deps['certificates'];
  const o = await createUser(deps.db, { email: 'o@example.com', passwordHash: await hashPassword('a long password'), role: 'owner' });
  const m = await createUser(deps.db, { email: 'm@example.com', passwordHash: 'x', role: 'member' });
  ownerToken = await createApiToken(deps.db, o.id, 'test');
  memberToken = await createApiToken(deps.db, m.id, 'test');
});

describe("Spur's own domain", () => {
  it('is set by the owner, orders its certificate, and becomes the address links are built from', async () => {
    expect((await owner('GET', '/settings')).json).toMatchObject({ url: ORIGIN, domain: null, acmeEmail: null, domainFromEnvironment: false });
    const res = await owner('PATCH', '/settings', { domain: 'Spur.Example.', acmeEmail: 'Ops@Example.com' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ url: 'http://spur.example', domain: { hostname: 'spur.example', certificate: { status: 'pending' }, dns: { points: 'here' } }, acmeEmail: 'ops@example.com' });
    expect(runs).toBe(1);
    expect(await acmeEmail(deps.db)).toBe('ops@example.com');
    // Git access names Spur's domain for pushes and webhooks.
    expect((await owner('POST', '/projects', { name: 'shop' })).status).toBe(201);
    expect((await owner('POST', '/projects/shop/services', { name: 'web', push: true })).status).toBe(201);
    const git = (await owner('GET', '/projects/shop/services/web/git')).json;
    expect(git.pushUrl).toBe('ssh://git@spur.example:2222/shop/web');
    expect(git.webhook.url).toBe('http://spur.example/webhooks/shop/web');
    // Cleared: back to the public URL.
    expect((await owner('PATCH', '/settings', { domain: '' })).json).toMatchObject({ url: ORIGIN, domain: null, acmeEmail: 'ops@example.com' });
    expect(await spurDomain(deps.db)).toBeUndefined();
  });

  it('is refused to members, and bad values change nothing', async () => {
    await owner('PATCH', '/settings', { domain: 'spur.example' });
    const member = await call(memberToken, 'PATCH', '/settings', { domain: 'mine.example' });
    expect(member.status).toBe(403);
    expect((await call(memberToken, 'GET', '/settings')).status).toBe(403);
    for (const domain of ['*.spur.example', '203.0.113.7', 'spur.example`)', 'a,b.example', 'under_score.example', `${'a'.repeat(64)}.example`, 'web.spur.test', 'x'.repeat(250) + '.example']) {
      const res = await owner('PATCH', '/settings', { domain });
      expect(res.status, domain).toBe(400);
    }
    expect((await owner('PATCH', '/settings', { acmeEmail: 'not an email' })).status).toBe(400);
    expect((await owner('PATCH', '/settings', { domain: 'other.example', acmeEmail: 'not an email' })).status).toBe(400);
    expect((await spurDomain(deps.db))?.hostname).toBe('spur.example');
    expect(await acmeEmail(deps.db)).toBeNull();
  });

  it("cannot take a service's domain, and a service cannot take Spur's", async () => {
    expect((await owner('POST', '/projects', { name: 'shop' })).status).toBe(201);
    expect((await owner('POST', '/projects/shop/services', { name: 'web', image: 'nginx' })).status).toBe(201);
    expect((await owner('POST', '/projects/shop/services/web/domains', { hostname: 'shop.example' })).status).toBe(201);
    await owner('PATCH', '/settings', { domain: 'spur.example' });
    const taken = await owner('PATCH', '/settings', { domain: 'shop.example' });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatch(/shop\.example is already used by a service/);
    expect((await spurDomain(deps.db))?.hostname).toBe('spur.example');
    const own = await owner('POST', '/projects/shop/services/web/domains', { hostname: 'spur.example' });
    expect(own.status).toBe(400);
    expect(own.json.error).toMatch(/Spur's own address/);
    expect((await owner('GET', '/projects/shop/services/web/domains')).json.domains.map((d: { hostname: string }) => d.hostname)).toEqual(['shop.example']);
  });

  it('set in the environment (SPUR_DOMAIN), is written at start and cannot be changed in the UI', async () => {
    deps.config = { ...deps.config, spurDomain: 'spur.example', acme: { ...deps.config.acme, email: 'env@example.com' } };
    await applyEnvironmentSettings(deps);
    const shown = (await owner('GET', '/settings')).json;
    expect(shown).toMatchObject({ domain: { hostname: 'spur.example' }, domainFromEnvironment: true, acmeEmail: 'env@example.com', acmeEmailFromEnvironment: true });
    expect((await owner('PATCH', '/settings', { domain: 'other.example' })).status).toBe(409);
    expect((await owner('PATCH', '/settings', { acmeEmail: 'other@example.com' })).status).toBe(409);
    expect((await spurDomain(deps.db))?.hostname).toBe('spur.example');
  });
});

describe('reached at its own domain (through Traefik)', () => {
  const login = (host: string) =>
    app.request('http://x/login', { method: 'POST', headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' }, body: new URLSearchParams({ email: 'o@example.com', password: 'a long password' }).toString() });

  it('sends the session cookie Secure for the domain, and not on the server address', async () => {
    await owner('PATCH', '/settings', { domain: 'spur.example' });
    const viaDomain = await login('spur.example');
    expect(viaDomain.status).toBe(303);
    expect(viaDomain.headers.get('set-cookie')).toMatch(/spur_session=[^;]+;.*; Secure/);
    const viaAddress = await login('203.0.113.7:3000');
    expect(viaAddress.status).toBe(303);
    expect(viaAddress.headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it("takes form posts whose Origin is the domain's https:// origin, and no other", async () => {
    await owner('PATCH', '/settings', { domain: 'spur.example' });
    const o = await deps.db.selectFrom('users').select('id').where('email', '=', 'o@example.com').executeTakeFirstOrThrow();
    const cookie = `spur_session=${(await createSession(deps.db, o.id)).token}`;
    const page = await (await app.request('http://spur.example/', { headers: { Cookie: cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const post = (origin: string) => app.request('http://spur.example/projects', { method: 'POST', headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name: `p${origin.length}`, _csrf: csrf }).toString() });
    expect((await post('https://spur.example')).status).toBe(303);
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await post('http://evil.spur.example')).status).toBe(403);
  });
});

describe('the settings page and setup', () => {
  it('shows owners the Settings page and link, members neither', async () => {
    const session = async (email: string) => `spur_session=${(await createSession(deps.db, (await deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id)).token}`;
    const ownerCookie = await session('o@example.com');
    await owner('PATCH', '/settings', { domain: 'spur.example' });
    const page = await (await app.request('/settings', { headers: { Cookie: ownerCookie } })).text();
    expect(page).toContain('href="/settings"');
    expect(page).toContain('spur.example');
    expect(page).toContain('certificate pending');
    const memberCookie = await session('m@example.com');
    expect((await app.request('/settings', { headers: { Cookie: memberCookie } })).status).toBe(403);
    expect(await (await app.request('/keys', { headers: { Cookie: memberCookie } })).text()).not.toContain('href="/settings"');
  });

  it('asks for the ACME contact at setup; empty, it is the owner email', async () => {
    const fresh = await makeTestApp();
    const setup = (fields: Record<string, string>) => fresh.app.request('/setup', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: new URLSearchParams({ token: SETUP_TOKEN, email: 'owner@example.com', password: 'a long password', ...fields }).toString() });
    expect(await (await fresh.app.request('/setup')).text()).toContain('Address for certificate notices');
    const bad = await setup({ acmeEmail: 'nope' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('email for certificate notices: is not an email address');
    expect(await acmeEmail(fresh.deps.db)).toBeNull();
    expect((await setup({ acmeEmail: '' })).status).toBe(303);
    expect(await acmeEmail(fresh.deps.db)).toBe('owner@example.com');
  });
});

describe('base images of the Dockerfiles Spur writes', () => {
  it('are the official ones until the owner names others; "" goes back; bad references change nothing', async () => {
    const shown = async () => (await owner('GET', '/settings')).json.buildImages;
    expect((await shown()).node).toEqual({ image: 'node:{version}-slim', from: 'default' });
    const saved = await owner('PATCH', '/settings', { buildImages: { node: 'mirror.example.com/library/node:{version}-slim', python: 'mirror.example.com/python:{version}' } });
    expect(saved.status).toBe(200);
    expect(saved.json.buildImages).toMatchObject({ node: { image: 'mirror.example.com/library/node:{version}-slim', from: 'settings' }, python: { from: 'settings' }, go: { image: 'golang:{version}', from: 'default' } });
    for (const bad of [{ node: 'not an image' }, { node: 'spur/shop/web:{version}' }, { ruby: 'ruby:3' }, { go: 'golang:{version};rm' }]) {
      expect((await owner('PATCH', '/settings', { buildImages: bad })).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call(memberToken, 'PATCH', '/settings', { buildImages: { node: 'x:{version}' } })).status).toBe(403);
    expect((await shown()).node.image).toBe('mirror.example.com/library/node:{version}-slim');
    await owner('PATCH', '/settings', { buildImages: { node: '' } });
    expect((await shown()).node).toEqual({ image: 'node:{version}-slim', from: 'default' });
    expect((await shown()).python.from).toBe('settings');
  });

  it('set by SPUR_IMAGE_*, win over the choice and cannot be changed in the UI', async () => {
    deps.config = { ...deps.config, buildImages: { node: 'env.example.com/node:{version}' } };
    expect((await owner('GET', '/settings')).json.buildImages.node).toEqual({ image: 'env.example.com/node:{version}', from: 'SPUR_IMAGE_NODE' });
    expect((await owner('PATCH', '/settings', { buildImages: { node: 'other.example.com/node:{version}' } })).status).toBe(409);
  });
});
