// App tier: protected environments. A developer's deploy, rollback or variable change in a
// protected environment becomes a request (202 with it), stored with its values sealed and never
// logged; an admin approves it (it runs once, as the requester's, even when two approve at once) or
// rejects it with a reason; its requester cancels it; it expires. A developer may not decide, an
// admin of another project does not see it; everything is in the audit log.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { setProjectMember } from '../store/access.js';
import { createApiToken, createUser } from '../store/users.js';
import { apiAs, teamWorld } from '../../test/app-fixture.js';

const SECRET_VALUE = 'hunter2-never-in-clear';

async function world() {
  const w = await teamWorld();
  // Docker is "ready": an approved deploy reaches the (stand-in) deployer.
  w.deps.daemon = { ready: true, state: { reachable: true, swarm: true } } as unknown as typeof w.deps.daemon;
  // An admin of the other project only.
  const other = await createUser(w.deps.db, { email: 'blog-admin@example.com', passwordHash: 'x', role: 'member' });
  const blog = await w.deps.db.selectFrom('projects').select('id').where('name', '=', 'blog').executeTakeFirstOrThrow();
  await setProjectMember(w.deps.db, blog.id, other.id, 'admin');
  const tokens = { ...w.tokens, blogAdmin: await createApiToken(w.deps.db, other.id, 't') };
  // What the deployer was asked, whole (the stand-in keeps only that it was).
  const asked: { requestedBy?: number; trigger: string }[] = [];
  const request = w.deps.deployer.request;
  w.deps.deployer.request = async (r) => (asked.push(r), request(r));
  return { ...w, asked, call: apiAs(w.app, tokens) };
}
/** What the audit log says of requests, past the fixture's own. */
const auditActions = async (w: Awaited<ReturnType<typeof world>>) => (await w.deps.db.selectFrom('audit_entries').select(['action', 'actor_email', 'outcome']).where('action', 'like', 'request.%').where('object_id', 'not in', [w.ids.shop.request, w.ids.blog.request]).orderBy('id').execute()).map((e) => `${e.action} ${e.actor_email}`);
const deploy = '/projects/shop/services/web/deployments';

describe('a protected environment', () => {
  it("makes a developer's deploy a request (202), which an admin approves: it runs once, as the developer's", async () => {
    const w = await world();
    const calls = w.deployerCalls.length;
    const asked = await w.call('developer', 'POST', deploy);
    expect(asked.status).toBe(202);
    expect(asked.json.request).toMatchObject({ kind: 'deploy', environment: 'production', service: 'web', requester: 'developer@example.com', status: 'pending', deployment: null });
    expect(asked.json.message).toMatch(/^Deploy requested: an admin must approve/);
    expect(w.deployerCalls.length).toBe(calls);
    const { id } = asked.json.request;
    const expiresIn = Date.parse(asked.json.request.expiresAt) - Date.parse(asked.json.request.createdAt);
    expect(expiresIn).toBe(24 * 3600_000);

    // Neither the developer (their own request included) nor another project's admin decides it.
    expect(await w.call('developer', 'POST', `/projects/shop/requests/${id}/approve`)).toEqual({ status: 403, json: { error: "only an admin may approve, reject or cancel another's request" } });
    expect((await w.call('blogAdmin', 'POST', `/projects/shop/requests/${id}/approve`)).status).toBe(404);
    expect((await w.call('blogAdmin', 'POST', `/projects/blog/requests/${id}/approve`)).status).toBe(404);
    expect(w.deployerCalls.length).toBe(calls);

    // Two admins approve at once: it runs once; the other is told it is no longer pending.
    const both = await Promise.all([w.call('admin', 'POST', `/projects/shop/requests/${id}/approve`), w.call('owner', 'POST', `/projects/shop/requests/${id}/approve`)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(w.deployerCalls.length).toBe(calls + 1);
    const approved = both.find((r) => r.status === 200)!.json.request;
    expect(approved).toMatchObject({ status: 'approved', deployment: expect.any(Number) });
    const developer = await w.deps.db.selectFrom('users').select('id').where('email', '=', 'developer@example.com').executeTakeFirstOrThrow();
    expect(w.asked).toEqual([expect.objectContaining({ requestedBy: developer.id, trigger: 'api:developer@example.com' })]);
    expect((await w.call('developer', 'GET', '/projects/shop/requests')).json.requests.find((r: { id: number }) => r.id === id)).toMatchObject({ id, status: 'approved', decidedBy: approved.decidedBy });
    // The deploy is recorded as the developer's, the approval as the admin's.
    const deployEntry = await w.deps.db.selectFrom('audit_entries').select(['actor_email', 'role']).where('action', '=', 'deploy').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(deployEntry).toEqual({ actor_email: 'developer@example.com', role: 'developer' });
    expect(await auditActions(w)).toEqual(['request.create developer@example.com', `request.approve ${approved.decidedBy}`]);
    expect(await w.call('admin', 'POST', `/projects/shop/requests/${id}/reject`, { reason: 'late' })).toEqual({ status: 409, json: { error: `request #${id} is approved, no longer pending` } });
  });

  it('lets admins and the owner act at once, refuses viewers as before, and holds nothing back once unprotected', async () => {
    const w = await world();
    expect((await w.call('admin', 'POST', deploy)).json.deployment).toMatchObject({ status: 'queued' });
    expect((await w.call('owner', 'POST', deploy)).json.deployment).toMatchObject({ status: 'queued' });
    expect(await w.call('viewer', 'POST', deploy)).toEqual({ status: 403, json: { error: 'a viewer may not deploy' } });
    expect(await w.call('developer', 'PUT', '/projects/shop/environments/production/protection', { protected: false })).toEqual({ status: 403, json: { error: 'only an admin may protect or unprotect environments' } });
    expect((await w.call('developer', 'GET', '/projects/shop/environments')).json.environments).toEqual([{ name: 'production', protected: true }, { name: 'staging', protected: false }]);
    expect(await w.call('admin', 'PUT', '/projects/shop/environments/production/protection', { protected: false })).toEqual({ status: 200, json: { environment: 'production', protected: false } });
    expect((await w.call('developer', 'POST', deploy)).json.deployment).toMatchObject({ status: 'queued' });
    expect((await w.call('developer', 'POST', `${deploy}?env=staging`)).json.deployment).toMatchObject({ status: 'queued' });
    const entry = await w.deps.db.selectFrom('audit_entries').select(['before', 'after', 'actor_email']).where('action', '=', 'environment.protect').where('outcome', '=', 'allowed').executeTakeFirstOrThrow();
    expect(entry).toEqual({ actor_email: 'admin@example.com', before: '{"protected":true}', after: '{"protected":false}' });
  });

  it("makes a developer's variable change a request whose values are sealed and never logged; approved, it is set", async () => {
    const w = await world();
    const asked = await w.call('developer', 'PUT', '/projects/shop/services/web/variables', { API_KEY: SECRET_VALUE });
    expect(asked.status).toBe(202);
    expect(asked.json.request).toMatchObject({ kind: 'variables', summary: { set: ['API_KEY'], removed: [] } });
    expect(asked.json.message).toMatch(/^Variable change requested: an admin must approve/);
    expect((await w.call('admin', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables).toEqual({ A: 'secret-a' });
    const everything = JSON.stringify((await sql`select * from change_requests`.execute(w.deps.db)).rows) + JSON.stringify(await w.deps.db.selectFrom('audit_entries').selectAll().execute());
    expect(everything).not.toContain(SECRET_VALUE);
    // A shared variable too.
    const shared = await w.call('developer', 'PUT', '/projects/shop/shared-variables', { TOKEN: SECRET_VALUE });
    expect(shared.json.request).toMatchObject({ kind: 'shared-variables', service: null, summary: { set: ['TOKEN'], removed: [] } });
    expect((await w.call('admin', 'POST', `/projects/shop/requests/${asked.json.request.id}/approve`)).status).toBe(200);
    expect((await w.call('admin', 'POST', `/projects/shop/requests/${shared.json.request.id}/approve`)).status).toBe(200);
    expect((await w.call('admin', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables).toEqual({ A: 'secret-a', API_KEY: SECRET_VALUE });
    expect((await w.call('admin', 'GET', '/projects/shop/shared-variables?reveal=1')).json.variables).toEqual({ A: 'secret-a', TOKEN: SECRET_VALUE });
    const changed = await w.deps.db.selectFrom('audit_entries').select(['actor_email', 'after']).where('action', '=', 'variables.change').orderBy('id', 'desc').limit(2).execute();
    expect(changed).toEqual([{ actor_email: 'developer@example.com', after: '{"TOKEN":"(set)"}' }, { actor_email: 'developer@example.com', after: '{"API_KEY":"(set)"}' }]);
  });

  it('is rejected with a reason, cancelled by its requester only, and expires', async () => {
    const w = await world();
    const ask = async () => (await w.call('developer', 'POST', '/projects/shop/services/web/rollback', {})).json.request.id as number;
    const [a, b, c] = [await ask(), await ask(), await ask()];
    expect((await w.call('admin', 'POST', `/projects/shop/requests/${a}/reject`, {})).status).toBe(400);
    expect((await w.call('admin', 'POST', `/projects/shop/requests/${a}/reject`, { reason: 'not on a Friday' })).json.request).toMatchObject({ kind: 'rollback', status: 'rejected', reason: 'not on a Friday', decidedBy: 'admin@example.com' });
    // Another developer of the project may not cancel it; its requester may.
    const other = await createUser(w.deps.db, { email: 'dev2@example.com', passwordHash: 'x', role: 'member' });
    const shop = await w.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await setProjectMember(w.deps.db, shop.id, other.id, 'developer');
    const call = apiAs(w.app, { dev2: await createApiToken(w.deps.db, other.id, 't') });
    expect(await call('dev2', 'POST', `/projects/shop/requests/${b}/cancel`)).toEqual({ status: 403, json: { error: "only an admin may approve, reject or cancel another's request" } });
    expect((await w.call('developer', 'POST', `/projects/shop/requests/${b}/cancel`)).json.request).toMatchObject({ status: 'cancelled' });
    await w.deps.db.updateTable('change_requests').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', c).execute();
    expect(await w.call('admin', 'POST', `/projects/shop/requests/${c}/approve`)).toEqual({ status: 409, json: { error: `request #${c} is expired, no longer pending` } });
    expect((await w.call('viewer', 'GET', '/projects/shop/requests')).json.requests.map((r: { id: number; status: string }) => [r.id, r.status])).toEqual([[c, 'expired'], [b, 'cancelled'], [a, 'rejected'], [w.ids.shop.request, 'pending']]);
    expect(w.deployerCalls).not.toContain('rollback');
    expect(await auditActions(w)).toEqual(['request.create developer@example.com', 'request.create developer@example.com', 'request.create developer@example.com', 'request.reject admin@example.com', 'request.cancel developer@example.com', 'request.expire request expiry']);
  });
});

describe('the project page', () => {
  it("shows a developer's deploy as requested, and an admin approves it from the Requests list", async () => {
    const w = await world();
    const { createSession } = await import('../store/users.js');
    const { ORIGIN } = await import('../../test/app-fixture.js');
    const cookie = async (who: string) => {
      const u = await w.deps.db.selectFrom('users').select('id').where('email', '=', `${who}@example.com`).executeTakeFirstOrThrow();
      return `spur_session=${(await createSession(w.deps.db, u.id)).token}`;
    };
    const [developer, admin] = [await cookie('developer'), await cookie('admin')];
    const get = async (path: string, who: string) => (await w.app.request(path, { headers: { Cookie: who } })).text();
    const post = async (path: string, who: string, fields: Record<string, string> = {}) => {
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await get('/projects/shop', who))![1];
      return w.app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: who }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() });
    };
    const asked = await post('/projects/shop/services/web/deploy', developer);
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe('/projects/shop#requests');
    expect(decodeURIComponent(asked.headers.get('set-cookie') ?? '')).toContain('Deploy requested: an admin must approve');
    const id = (await w.deps.db.selectFrom('change_requests').select('id').where('kind', '=', 'deploy').executeTakeFirstOrThrow()).id;
    const seen = await get('/projects/shop', developer);
    expect(seen).toContain('production is protected');
    expect(seen).toContain(`Cancel request ${id}`);
    expect(seen).not.toContain(`Approve request ${id}`);
    expect(await get('/projects/shop', admin)).toContain(`Approve request ${id}`);
    // The developer's form post to approve is refused at the door.
    expect((await post(`/projects/shop/requests/${id}/approve`, developer)).status).toBe(403);
    const approved = await post(`/projects/shop/requests/${id}/approve`, admin);
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toMatch(/^\/deployments\/\d+$/);
    expect(w.asked).toHaveLength(1);
  });
});
