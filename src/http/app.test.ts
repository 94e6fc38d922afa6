// App tier: the real routes and database (in memory), no Docker and no sockets.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { createApiToken, createUser } from '../store/users.js';
import { createApp } from './app.js';
import { ORIGIN, SETUP_TOKEN, makeTestDeps } from '../../test/app-fixture.js';



const form = (fields: Record<string, string>, cookie?: string, origin = ORIGIN) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, ...(cookie ? { Cookie: cookie } : {}) },
  body: new URLSearchParams(fields).toString(),
});

let deps: Deps;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  deps = await makeTestDeps();
  app = createApp(deps);
});

const users = () => deps.db.selectFrom('users').selectAll().execute();
const projects = async () => (await deps.db.selectFrom('projects').select('name').execute()).map((p) => p.name);

async function claimOwner(): Promise<{ cookie: string; csrf: string }> {
  const res = await app.request('/setup', form({ token: SETUP_TOKEN, email: 'owner@example.com', password: 'a long password' }));
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  const page = await (await app.request('/', { headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  return { cookie, csrf };
}

describe('first visit and setup', () => {
  it('sends a fresh install to the setup page', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/setup');
    expect(await (await app.request('/setup')).text()).toContain('Setup token');
  });

  it('refuses to create the owner without the right setup token', async () => {
    const res = await app.request('/setup', form({ token: 'guess', email: 'evil@example.com', password: 'a long password' }));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('setup token is not right');
    expect(await users()).toEqual([]);
  });

  it('creates the owner with the token, starts a secure session, and closes setup', async () => {
    const res = await app.request('/setup', form({ token: SETUP_TOKEN, email: 'Owner@Example.com', password: 'a long password' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/spur_session=[^;]+; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax/);
    const [owner] = await users();
    expect(owner).toMatchObject({ email: 'owner@example.com', role: 'owner' });
    expect(owner.password_hash).toMatch(/^scrypt\$/);
    const again = await app.request('/setup', form({ token: SETUP_TOKEN, email: 'second@example.com', password: 'a long password' }));
    expect(again.status).toBe(404);
    expect(await users()).toHaveLength(1);
  });
});

describe('sessions and CSRF', () => {
  it('needs the CSRF token on form posts', async () => {
    const { cookie, csrf } = await claimOwner();
    expect((await app.request('/projects', form({ name: 'shop' }, cookie))).status).toBe(403);
    expect(await projects()).toEqual([]);
    const ok = await app.request('/projects', form({ name: 'shop', _csrf: csrf }, cookie));
    expect(ok.status).toBe(303);
    expect(await projects()).toEqual(['shop']);
  });

  it('refuses form posts from another origin even with a valid token', async () => {
    const { cookie, csrf } = await claimOwner();
    const res = await app.request('/projects', form({ name: 'shop', _csrf: csrf }, cookie, 'https://evil.example'));
    expect(res.status).toBe(403);
    expect(await projects()).toEqual([]);
  });

  it('rate-limits failed logins, even when the right password follows', async () => {
    await claimOwner();
    for (let i = 0; i < 10; i++) expect((await app.request('/login', form({ email: 'owner@example.com', password: `wrong ${i} password` }))).status).toBe(401);
    const blocked = await app.request('/login', form({ email: 'owner@example.com', password: 'a long password' }));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    // Eleven scrypt checks: seconds on a machine busy with end-to-end files.
  }, 60_000);

  it('logs in with the right password and redirects only within the site', async () => {
    await claimOwner();
    const res = await app.request('/login', form({ email: 'owner@example.com', password: 'a long password', next: '//evil.example/x' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
  });
});

describe('SSH keys page', () => {
  it('adds a key with the CSRF token, shows its fingerprint, refuses a private key, and removes it', async () => {
    const { cookie, csrf } = await claimOwner();
    const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ9QpYAYZY0x4G2Q8vZ1N6xTqkqGz7m0lH0sX9QmV5bP me@laptop';
    expect((await app.request('/keys', form({ key: pub }, cookie))).status).toBe(403);
    expect((await app.request('/keys', form({ key: pub, _csrf: csrf }, cookie))).status).toBe(303);
    const page = await (await app.request('/keys', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('me@laptop');
    expect(page).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    const refused = await app.request('/keys', form({ key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----', _csrf: csrf }, cookie));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('this is a private key');
    const [key] = await deps.db.selectFrom('ssh_keys').selectAll().execute();
    expect((await app.request(`/keys/${key.id}/remove`, form({ _csrf: csrf }, cookie))).status).toBe(303);
    expect(await deps.db.selectFrom('ssh_keys').selectAll().execute()).toEqual([]);
  });
});

describe('API behaviour that does not need Docker', () => {
  async function apiToken() {
    const user = await createUser(deps.db, { email: 'o@example.com', passwordHash: null, role: 'owner' });
    return createApiToken(deps.db, user.id, 'test');
  }
  const json = (token: string, method: string, body?: unknown) => ({
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  it('stores variables sealed and never returns them unless asked to reveal', async () => {
    const token = await apiToken();
    await app.request('/api/v1/projects', json(token, 'POST', { name: 'shop' }));
    await app.request('/api/v1/projects/shop/services', json(token, 'POST', { name: 'web', image: 'nginx:1.27' }));
    const put = await app.request('/api/v1/projects/shop/services/web/variables', json(token, 'PUT', { variables: { DATABASE_URL: 'postgres://u:hunter2@db/x' } }));
    expect(await put.json()).toEqual({ variables: { DATABASE_URL: '••••••' } });
    const [row] = await deps.db.selectFrom('variables').selectAll().execute();
    expect(row.value_sealed).not.toContain('hunter2');
    const listed = await (await app.request('/api/v1/projects/shop/services/web/variables', json(token, 'GET'))).text();
    expect(listed).not.toContain('hunter2');
    const revealed = await (await app.request('/api/v1/projects/shop/services/web/variables?reveal=1', json(token, 'GET'))).json();
    expect(revealed).toEqual({ variables: { DATABASE_URL: 'postgres://u:hunter2@db/x' } });
  });

  it('says plainly that Docker is unreachable when asked to deploy, and records nothing', async () => {
    const token = await apiToken();
    await app.request('/api/v1/projects', json(token, 'POST', { name: 'shop' }));
    await app.request('/api/v1/projects/shop/services', json(token, 'POST', { name: 'web', image: 'nginx:1.27' }));
    const res = await app.request('/api/v1/projects/shop/services/web/deployments', json(token, 'POST'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toBe('Docker is not reachable (test).');
    expect(await deps.db.selectFrom('deployments').selectAll().execute()).toEqual([]);
  });

  it('shows the Docker problem on every page', async () => {
    const { cookie } = await claimOwner();
    expect(await (await app.request('/', { headers: { Cookie: cookie } })).text()).toContain('Docker: Docker is not reachable (test).');
  });

  it('creates a project with a production environment in one step', async () => {
    const token = await apiToken();
    const res = await app.request('/api/v1/projects', json(token, 'POST', { name: 'shop' }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ project: { name: 'shop', environments: ['production'] } });
    const dup = await app.request('/api/v1/projects', json(token, 'POST', { name: 'shop' }));
    expect(dup.status).toBe(409);
  });
});
