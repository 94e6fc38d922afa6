// Scoped API tokens over the API and the Account page: created with a scope, a project and an
// expiry (the secret shown once), listed and revoked; refused after their expiry; their last use
// written at most once a minute; never more than their user may, as that user is now; and a
// project-bound token's ids of another project are "not found" and change nothing.
import { describe, expect, it } from 'vitest';
import { ORIGIN, teamWorld } from '../../test/app-fixture.js';
import { createApiToken, createSession } from '../store/users.js';

type World = Awaited<ReturnType<typeof teamWorld>>;
const idOf = async (w: World, table: 'projects' | 'users', where: { name?: string; email?: string }) =>
  table === 'projects'
    ? (await w.deps.db.selectFrom('projects').select('id').where('name', '=', where.name!).executeTakeFirstOrThrow()).id
    : (await w.deps.db.selectFrom('users').select('id').where('email', '=', where.email!).executeTakeFirstOrThrow()).id;
const tokenRow = (w: World, name: string) => w.deps.db.selectFrom('api_tokens').selectAll().where('name', '=', name).executeTakeFirst();

describe('API tokens with a scope, a project and an expiry', () => {
  it('are created with their limits, the secret in that one answer, and listed (never the secret) and revoked', async () => {
    const w = await teamWorld();
    const made = await w.call('developer', 'POST', '/tokens', { name: 'ci', scope: 'deploy', project: 'shop', expiresIn: '30d' });
    expect(made.status).toBe(201);
    expect(made.json.token).toMatchObject({ name: 'ci', scope: 'deploy', project: 'shop', lastUsedAt: null });
    expect(made.json.token.token).toMatch(/^spur_/);
    expect(Math.abs(Date.parse(made.json.token.expiresAt) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    w.tokens.ci = made.json.token.token;
    const listed = (await w.call('developer', 'GET', '/tokens')).json.tokens;
    expect(listed.map((t: Record<string, unknown>) => Object.keys(t).sort().join())).toEqual(Array(2).fill('createdAt,expiresAt,id,lastUsedAt,name,project,scope'));
    expect(JSON.stringify(listed)).not.toContain(w.tokens.ci);
    expect(listed[1]).toMatchObject({ name: 'ci', scope: 'deploy', project: 'shop' });
    // It deploys shop (past the door: Docker is away here), reads nothing of blog, changes no variable.
    expect((await w.call('ci', 'POST', '/projects/shop/services/web/deployments?env=staging')).status).toBe(503);
    expect(await w.call('ci', 'PUT', '/projects/shop/services/web/variables', { B: 'b' })).toEqual({ status: 403, json: { error: "this token's scope (deploy) does not allow variables.change" } });
    expect(await w.call('ci', 'GET', '/projects/blog')).toEqual({ status: 404, json: { error: 'project blog not found' } });
    expect(await w.call('ci', 'POST', '/projects', { name: 'more' })).toEqual({ status: 403, json: { error: "this token's scope (deploy) does not allow project.create" } });
    // Recorded: the creation without the secret, the refusal by a token.
    const entries = await w.deps.db.selectFrom('audit_entries').select(['actor_kind', 'action', 'object_name', 'after', 'outcome']).where('action', 'in', ['tokens.create', 'variables.change']).orderBy('id').execute();
    expect(entries.slice(-2)).toEqual([
      { actor_kind: 'token', action: 'tokens.create', object_name: 'ci', after: JSON.stringify({ scope: 'deploy', project: 'shop', expiresAt: made.json.token.expiresAt }), outcome: 'allowed' },
      { actor_kind: 'token', action: 'variables.change', object_name: 'shop', after: null, outcome: 'refused' },
    ]);
    expect(await w.call('developer', 'DELETE', `/tokens/${made.json.token.id}`)).toEqual({ status: 200, json: { ok: true } });
    expect(await w.call('ci', 'GET', '/me')).toEqual({ status: 401, json: { error: 'invalid API token' } });
    // A token made by a token is revoked with it: a leaked one leaves nothing behind.
    w.tokens.child = (await w.call('developer', 'POST', '/tokens', { name: 'child', scope: 'read' })).json.token.token;
    expect((await w.call('child', 'GET', '/me')).status).toBe(200);
    expect((await w.call('developer', 'DELETE', `/tokens/${w.own.developer.tokenId}`)).status).toBe(200);
    expect(await w.call('child', 'GET', '/me')).toEqual({ status: 401, json: { error: 'invalid API token' } });
  });

  it('refuses what is not a scope, an expiry in the past, a project one is not in, and a token from a read token', async () => {
    const w = await teamWorld();
    expect(await w.call('developer', 'POST', '/tokens', { name: 'x', scope: 'owner' })).toEqual({ status: 400, json: { error: 'scope: must be one of read, deploy, admin' } });
    expect(await w.call('developer', 'POST', '/tokens', { name: 'x', expiresIn: 'soon' })).toEqual({ status: 400, json: { error: 'expiresIn: use a number of minutes, hours or days: 90m, 12h, 30d' } });
    expect(await w.call('developer', 'POST', '/tokens', { name: 'x', expiresAt: '2020-01-01T00:00:00Z' })).toEqual({ status: 400, json: { error: 'expiresAt: must be in the future' } });
    expect(await w.call('developer', 'POST', '/tokens', { name: 'x', project: 'blog' })).toEqual({ status: 404, json: { error: 'project blog not found' } });
    w.tokens.reader = await createApiToken(w.deps.db, await idOf(w, 'users', { email: 'developer@example.com' }), 'reader', { scope: 'read' });
    expect(await w.call('reader', 'POST', '/tokens', { name: 'x', scope: 'read' })).toEqual({ status: 403, json: { error: "this token's scope (read) does not allow tokens.manage" } });
    expect(await tokenRow(w, 'x')).toBeUndefined();
  });

  it('made by a project-bound token are of its project and never outlive it', async () => {
    const w = await teamWorld();
    const dev = await idOf(w, 'users', { email: 'developer@example.com' });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    w.tokens.bound = await createApiToken(w.deps.db, dev, 'bound', { scope: 'admin', projectId: await idOf(w, 'projects', { name: 'shop' }), expiresAt });
    const made = await w.call('bound', 'POST', '/tokens', { name: 'child', scope: 'read' });
    expect(made.json.token).toMatchObject({ name: 'child', project: 'shop', expiresAt });
    expect(await w.call('bound', 'POST', '/tokens', { name: 'longer', expiresIn: '30d' })).toEqual({ status: 400, json: { error: `expiresIn: this token expires at ${expiresAt}; a token it makes may not outlive it` } });
    expect(await w.call('bound', 'POST', '/tokens', { name: 'elsewhere', project: 'blog' })).toEqual({ status: 404, json: { error: 'project blog not found' } });
    // It sees only its project's tokens, and installation actions are refused (reading itself is not).
    expect((await w.call('bound', 'GET', '/tokens')).json.tokens.map((t: { name: string }) => t.name)).toEqual(['bound', 'child']);
    expect(await w.call('bound', 'GET', '/me')).toEqual({ status: 200, json: { email: 'developer@example.com', role: 'member' } });
    expect(await w.call('bound', 'POST', '/keys', { key: 'ssh-ed25519 AAAA' })).toEqual({ status: 403, json: { error: 'this token is for project shop only; it does not allow keys.manage' } });
  });

  it('are refused after their expiry, saying so', async () => {
    const w = await teamWorld();
    const made = await w.call('developer', 'POST', '/tokens', { name: 'short', scope: 'read', expiresIn: '1m' });
    w.tokens.short = made.json.token.token;
    expect((await w.call('short', 'GET', '/projects/shop')).status).toBe(200);
    const past = new Date(Date.now() - 1000).toISOString();
    await w.deps.db.updateTable('api_tokens').set({ expires_at: past }).where('name', '=', 'short').execute();
    expect(await w.call('short', 'GET', '/projects/shop')).toEqual({ status: 401, json: { error: `this API token expired at ${past}; create a new one` } });
  });

  it('record their last use at most once a minute', async () => {
    const w = await teamWorld();
    const first = (await tokenRow(w, 't'))?.last_used_at;
    expect(first).not.toBeNull(); // teamWorld used every token
    await w.call('developer', 'GET', '/me');
    const dev = await idOf(w, 'users', { email: 'developer@example.com' });
    const mine = () => w.deps.db.selectFrom('api_tokens').select('last_used_at').where('user_id', '=', dev).executeTakeFirstOrThrow();
    const seen = (await mine()).last_used_at!;
    await w.call('developer', 'GET', '/me');
    expect((await mine()).last_used_at).toBe(seen);
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    await w.deps.db.updateTable('api_tokens').set({ last_used_at: twoMinutesAgo }).where('user_id', '=', dev).execute();
    await w.call('developer', 'GET', '/me');
    expect((await mine()).last_used_at! > twoMinutesAgo).toBe(true);
  });

  it('lose at once what their user loses: a lower role, the membership, the account', async () => {
    const w = await teamWorld();
    const [dev, shop] = [await idOf(w, 'users', { email: 'developer@example.com' }), await idOf(w, 'projects', { name: 'shop' })];
    w.tokens.admin = await createApiToken(w.deps.db, dev, 'admin-scope', { scope: 'admin', projectId: shop });
    expect((await w.call('admin', 'POST', '/projects/shop/services/web/deployments?env=staging')).status).toBe(503); // past the door (staging: production asks)
    expect((await w.call('admin', 'GET', '/projects/shop/services/web/variables?reveal=1')).json).toEqual({ error: 'only an admin may reveal variable values' });
    await w.call('owner', 'POST', '/projects/shop/members', { email: 'developer@example.com', role: 'viewer' });
    expect(await w.call('admin', 'POST', '/projects/shop/services/web/deployments')).toEqual({ status: 403, json: { error: 'a viewer may not deploy' } });
    await w.call('owner', 'DELETE', '/projects/shop/members/developer%40example.com');
    expect(await w.call('admin', 'GET', '/projects/shop')).toEqual({ status: 404, json: { error: 'project shop not found' } });
    await w.call('owner', 'DELETE', '/users/developer%40example.com');
    expect(await w.call('admin', 'GET', '/me')).toEqual({ status: 401, json: { error: 'invalid API token' } });
  });
});

describe("a project-bound token and another project's ids", () => {
  it('is told "not found" for a deployment, backup or token id of another project, and nothing changes', async () => {
    const w = await teamWorld();
    const owner = await idOf(w, 'users', { email: 'owner@example.com' });
    const [shop, blog] = [await idOf(w, 'projects', { name: 'shop' }), await idOf(w, 'projects', { name: 'blog' })];
    w.tokens.shop = await createApiToken(w.deps.db, owner, 'shop-admin', { scope: 'admin', projectId: shop });
    await createApiToken(w.deps.db, owner, 'blog-token', { scope: 'read', projectId: blog });
    const blogToken = (await tokenRow(w, 'blog-token'))!;
    const deployments = await w.deps.db.selectFrom('deployments').selectAll().execute();
    const { blog: b } = w.ids;
    expect(await w.call('shop', 'GET', `/deployments/${b.deployment}`)).toEqual({ status: 404, json: { error: `deployment ${b.deployment} not found` } });
    expect((await w.call('shop', 'GET', `/projects/shop/databases/pg/backups/${b.backup}/file`)).status).toBe(404);
    expect((await w.call('shop', 'POST', `/projects/shop/databases/pg/restore`, { backup: b.backup, confirm: 'pg' })).status).toBe(404);
    expect(await w.call('shop', 'DELETE', `/tokens/${blogToken.id}`)).toEqual({ status: 404, json: { error: `you have no token ${blogToken.id}` } });
    expect(await w.call('shop', 'DELETE', `/tokens/${w.own.owner.tokenId}`)).toEqual({ status: 404, json: { error: `you have no token ${w.own.owner.tokenId}` } });
    expect(await tokenRow(w, 'blog-token')).toEqual(blogToken);
    expect((await w.call('owner', 'GET', '/me')).status).toBe(200);
    expect(await w.deps.db.selectFrom('deployments').selectAll().execute()).toEqual(deployments);
    expect(w.deployerCalls).toEqual([]);
  });
});

describe('the Account page', () => {
  it('creates a token with a scope, a project and an expiry, lists it with them, and revokes it', async () => {
    const w = await teamWorld();
    const dev = await idOf(w, 'users', { email: 'developer@example.com' });
    const session = await createSession(w.deps.db, dev);
    const headers = { Cookie: `spur_session=${session.token}`, 'X-CSRF-Token': session.csrfToken, 'HX-Request': 'true', Origin: ORIGIN };
    const page = await (await w.app.request('/account', { headers })).text();
    expect(page).toContain('<option value="shop">Only shop</option>');
    expect(page).not.toContain('Only blog');
    const made = await w.app.request('/account/tokens', { method: 'POST', headers, body: new URLSearchParams({ name: 'deployer', scope: 'deploy', project: 'shop', expiresIn: '30d' }) });
    expect(made.status).toBe(201);
    const html = await made.text();
    expect(html).toMatch(/<td>deployer<\/td><td>deploy<\/td><td>shop<\/td><td><time[^>]*>[^<]+<\/time><\/td><td><span class="muted">never<\/span><\/td>/);
    expect(await tokenRow(w, 'deployer')).toMatchObject({ scope: 'deploy', project_id: await idOf(w, 'projects', { name: 'shop' }) });
    const bad = await w.app.request('/account/tokens', { method: 'POST', headers, body: new URLSearchParams({ name: 'x', scope: 'root' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('scope: must be one of read, deploy, admin');
    const id = (await tokenRow(w, 'deployer'))!.id;
    const revoked = await w.app.request(`/account/tokens/${id}/revoke`, { method: 'POST', headers: { ...headers, 'HX-Request': '' }, body: new URLSearchParams({}) });
    expect(revoked.status).toBeLessThan(400);
    expect(await tokenRow(w, 'deployer')).toBeUndefined();
  });
});
