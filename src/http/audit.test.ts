// App tier: the audit log as the API shows it — a change is recorded without its secret values,
// a refusal is recorded as refused, a project's log is not found to one who is not its member,
// and the chain check answers (and notices a row edited behind Spur's back). No Docker needed.
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { appendAuditEntry } from '../store/audit.js';
import { pruneAuditLog } from '../actions/audit.js';
import { hashPassword } from '../secrets.js';
import { createSession } from '../store/users.js';
import type { createApp } from './app.js';
import { ORIGIN, apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof apiAs>;
let people: Awaited<ReturnType<typeof ownerAndMember>>;

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  people = await ownerAndMember(deps);
  call = apiAs(app, people.tokens);
  expect((await call('owner', 'POST', '/projects', { name: 'shop' })).status).toBe(201);
  expect((await call('owner', 'POST', '/projects/shop/services', { name: 'web', image: 'nginx' })).status).toBe(201);
});

const SECRET_VALUE = 'hunter2-do-not-log-me';
const everyRow = async () => JSON.stringify(await deps.db.selectFrom('audit_entries').selectAll().execute());

describe('the audit log', () => {
  it('records a variable change through the API by name, never its value', async () => {
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { API_KEY: SECRET_VALUE, MODE: 'fast' })).status).toBe(200);
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { API_KEY: `${SECRET_VALUE}-2`, MODE: 'fast' })).status).toBe(200);
    expect((await call('owner', 'DELETE', '/projects/shop/services/web/variables/MODE')).status).toBe(200);

    const { status, json } = await call('owner', 'GET', '/projects/shop/audit?action=variables.change');
    expect(status).toBe(200);
    expect(json.entries.map((e: any) => [e.before, e.after])).toEqual([
      [{ API_KEY: '(set)', MODE: '(set)' }, { MODE: '(removed)' }],
      [{ API_KEY: '(set)', MODE: '(set)' }, { API_KEY: '(changed)' }],
      [{}, { API_KEY: '(set)', MODE: '(set)' }],
    ]);
    expect(json.entries[0]).toMatchObject({ actor: { kind: 'token', id: people.owner.id, email: 'o@example.com' }, role: 'owner', action: 'variables.change', object: { kind: 'service', name: 'shop/web (production)' }, via: 'api', outcome: 'allowed' });
    expect(await everyRow()).not.toContain(SECRET_VALUE);
  });

  it('names the CLI as the door when the CLI calls, and the browser as ui', async () => {
    const res = await app.request('/api/v1/projects/shop/services/web/variables', { method: 'PUT', headers: { Authorization: `Bearer ${people.tokens.owner}`, 'Content-Type': 'application/json', 'User-Agent': 'spur-cli/1.0.0' }, body: JSON.stringify({ A: 'b' }) });
    expect(res.status).toBe(200);
    const session = await createSession(deps.db, people.owner.id);
    const form = await app.request('/projects/shop/services/web/variables', { method: 'POST', headers: { Cookie: `spur_session=${session.token}`, Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: session.csrfToken, key: 'B', value: 'c' }).toString() });
    expect(form.status).toBeLessThan(400);
    const entries = (await call('owner', 'GET', '/audit?action=variables.change')).json.entries;
    expect(entries.map((e: any) => [e.via, e.actor.kind, e.after])).toEqual([['ui', 'user', { B: '(set)' }], ['cli', 'token', { A: '(set)' }]]);
  });

  it('records a refused reveal as refused, in the project’s log, with no value', async () => {
    await call('owner', 'PUT', '/projects/shop/services/web/variables', { API_KEY: SECRET_VALUE });
    await addProjectMember(deps.db, (await deps.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id, people.member.id);
    expect((await call('member', 'GET', '/projects/shop/services/web/variables?reveal=1')).status).toBe(403);
    const refused = (await call('owner', 'GET', '/projects/shop/audit?outcome=refused')).json.entries;
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actor: { email: 'm@example.com', kind: 'token' }, role: 'developer', action: 'variables.reveal', outcome: 'refused', object: { name: 'shop/web (production)' }, before: null, after: null });
    // The owner's own reveal is recorded too, by the names shown.
    expect((await call('owner', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables).toEqual({ API_KEY: SECRET_VALUE });
    expect((await call('owner', 'GET', '/audit?action=variables.reveal&outcome=allowed')).json.entries.map((e: any) => e.after)).toEqual([{ names: ['API_KEY'] }]);
    expect(await everyRow()).not.toContain(SECRET_VALUE);
  });

  it('records members added and removed, and the project’s deletion refused to a member', async () => {
    expect((await call('owner', 'POST', '/projects/shop/members', { email: 'm@example.com' })).status).toBe(201);
    expect((await call('member', 'DELETE', '/projects/shop', { confirm: 'shop' })).status).toBe(403);
    expect((await call('owner', 'DELETE', '/projects/shop/members/m@example.com')).status).toBe(200);
    const entries = (await call('owner', 'GET', '/projects/shop/audit')).json.entries;
    expect(entries.map((e: any) => [e.action, e.actor.email, e.outcome, e.before ?? e.after])).toEqual([
      ['members.remove', 'o@example.com', 'allowed', { member: 'm@example.com', role: 'developer' }],
      ['project.delete', 'm@example.com', 'refused', null],
      ['members.add', 'o@example.com', 'allowed', { member: 'm@example.com', role: 'developer' }],
      ['service.create', 'o@example.com', 'allowed', { source: { type: 'image', image: 'nginx' }, port: null }],
      ['project.create', 'o@example.com', 'allowed', { name: 'shop' }],
    ]);
  });

  it('records a change of Spur’s settings (the parts changed, before and after) and a member’s refused attempt', async () => {
    expect((await call('owner', 'PATCH', '/settings', { acmeEmail: 'ops@example.com' })).status).toBe(200);
    expect((await call('member', 'PATCH', '/settings', { acmeEmail: 'evil@example.com' })).status).toBe(403);
    const entries = (await call('owner', 'GET', '/audit?action=settings.change')).json.entries;
    expect(entries.map((e: any) => [e.actor.email, e.outcome, e.before, e.after])).toEqual([
      ['m@example.com', 'refused', null, null],
      ['o@example.com', 'allowed', { acmeEmail: null }, { acmeEmail: 'ops@example.com' }],
    ]);
  });

  it('is not found to one who is not a member of the project, and refused to a member below admin', async () => {
    expect((await call('member', 'GET', '/projects/shop/audit')).status).toBe(404);
    expect((await call('member', 'GET', '/projects/nosuch/audit')).status).toBe(404);
    await addProjectMember(deps.db, (await deps.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id, people.member.id);
    expect((await call('member', 'GET', '/projects/shop/audit')).status).toBe(403);
    expect((await call('member', 'GET', '/audit')).status).toBe(403);
    expect((await call('member', 'GET', '/audit/verify')).status).toBe(403);
    // Each of those refusals is itself in the log (the project that is not there names nothing to log).
    const refused = (await call('owner', 'GET', '/audit?actor=m@example.com&outcome=refused')).json.entries;
    expect(refused.map((e: any) => [e.action, e.role])).toEqual([['audit.read', 'member'], ['audit.read', 'member'], ['project-audit.read', 'developer'], ['project-audit.read', 'member']]);
  });

  it('filters by when, and refuses a malformed filter', async () => {
    await call('owner', 'PUT', '/projects/shop/services/web/variables', { A: 'b' });
    expect((await call('owner', 'GET', '/audit?since=2999-01-01')).json.entries).toEqual([]);
    expect((await call('owner', 'GET', '/audit?until=2999-01-01&action=variables')).json.entries).toHaveLength(1);
    expect((await call('owner', 'GET', '/audit?since=yesterday')).status).toBe(400);
    expect((await call('owner', 'GET', '/audit?limit=0')).status).toBe(400);
  });

  it('verifies its chain, and names the first entry a direct edit of the database broke', async () => {
    for (const v of ['1', '2', '3']) await call('owner', 'PUT', '/projects/shop/services/web/variables', { A: v });
    // The project and the service made before, and the three changes.
    expect(await call('owner', 'GET', '/audit/verify')).toEqual({ status: 200, json: { intact: true, entries: 5 } });
    await sql.raw('DROP TRIGGER audit_entries_append_only').execute(deps.db);
    await sql.raw(`UPDATE audit_entries SET actor_email = 'someone@example.com' WHERE id = 4`).execute(deps.db);
    expect(await call('owner', 'GET', '/audit/verify')).toEqual({ status: 200, json: { intact: false, entries: 3, brokenAt: 4 } });
  });

  it('names the first entry after one whose change was edited, or after one deleted from the middle, as an attacker with the file would', async () => {
    for (const v of ['1', '2', '3', '4']) await call('owner', 'PUT', '/projects/shop/services/web/variables', { A: v });
    expect(await call('owner', 'GET', '/audit/verify')).toEqual({ status: 200, json: { intact: true, entries: 6 } });
    // The append-only trigger stands in the way of an edit through Spur's own connection.
    await expect(sql.raw(`UPDATE audit_entries SET "after" = '{"A":"(removed)"}' WHERE id = 5`).execute(deps.db)).rejects.toThrow(/append-only/);
    await sql.raw('DROP TRIGGER audit_entries_append_only').execute(deps.db);
    await sql.raw(`UPDATE audit_entries SET "after" = '{"A":"(removed)"}' WHERE id = 5`).execute(deps.db);
    expect(await call('owner', 'GET', '/audit/verify')).toEqual({ status: 200, json: { intact: false, entries: 4, brokenAt: 5 } });
    // Put back, the chain is whole again; a row deleted from the middle breaks it at the next one.
    await sql.raw(`UPDATE audit_entries SET "after" = '{"A":"(changed)"}' WHERE id = 5`).execute(deps.db);
    expect((await call('owner', 'GET', '/audit/verify')).json).toEqual({ intact: true, entries: 6 });
    await sql.raw('DELETE FROM audit_entries WHERE id = 3').execute(deps.db);
    expect(await call('owner', 'GET', '/audit/verify')).toEqual({ status: 200, json: { intact: false, entries: 2, brokenAt: 4 } });
  });

  it('exports the filtered entries as JSON lines, the same as the JSON answer holds, to whoever may read that log', async () => {
    for (const v of ['1', '2', '3']) await call('owner', 'PUT', '/projects/shop/services/web/variables', { A: `${SECRET_VALUE}${v}` });
    const get = (who: 'owner' | 'member', path: string) => app.request(`/api/v1${path}`, { headers: { Authorization: `Bearer ${people.tokens[who]}` } });
    const res = await get('owner', '/audit?format=jsonl&action=variables');
    expect([res.status, res.headers.get('Content-Type'), res.headers.get('Content-Disposition')]).toEqual([200, 'application/x-ndjson; charset=utf-8', 'attachment; filename="spur-audit.jsonl"']);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual((await call('owner', 'GET', '/audit?action=variables')).json.entries);
    expect(lines.map((e: any) => e.after)).toEqual([{ A: '(changed)' }, { A: '(changed)' }, { A: '(set)' }]);
    expect(text).not.toContain(SECRET_VALUE);
    // A limit caps it; the project's export holds its entries alone; others are refused as the JSON answer is.
    expect((await (await get('owner', '/audit?format=jsonl&limit=2')).text()).trimEnd().split('\n')).toHaveLength(2);
    const project = await get('owner', '/projects/shop/audit?format=jsonl');
    expect(project.headers.get('Content-Disposition')).toBe('attachment; filename="spur-audit-shop.jsonl"');
    expect((await project.text()).trimEnd().split('\n').map((l) => JSON.parse(l).action)).toEqual(['variables.change', 'variables.change', 'variables.change', 'service.create', 'project.create']);
    expect((await get('member', '/audit?format=jsonl')).status).toBe(403);
    expect((await get('member', '/projects/shop/audit?format=jsonl')).status).toBe(404);
    expect((await get('owner', '/audit?format=csv')).status).toBe(400);
  });

  it('keeps entries for the retention the owner set (at least 30 days), pruning the oldest with the chain still whole', async () => {
    for (const day of ['01', '02', '03']) await appendAuditEntry(deps.db, { actor_kind: 'user', actor_id: people.owner.id, actor_email: 'o@example.com', role: 'owner', action: 'deploy', object_kind: null, object_id: null, object_name: null, project_id: null, before: null, after: null, via: 'api', address: null, outcome: 'allowed', at: `2020-01-${day}T00:00:00.000Z` });
    expect(await pruneAuditLog(deps)).toBe(0); // no retention set: kept for ever
    expect((await call('owner', 'PATCH', '/settings', { auditRetentionDays: 7 })).status).toBe(400);
    const set = await call('owner', 'PATCH', '/settings', { auditRetentionDays: 30 });
    expect([set.status, set.json.auditRetentionDays]).toEqual([200, 30]);
    // The three old ones and the two before them (the project and the service made above): the chain is pruned from its start.
    expect(await pruneAuditLog(deps)).toBe(5);
    const entries = (await call('owner', 'GET', '/audit')).json.entries;
    expect(entries.map((e: any) => [e.id, e.action, e.actor.kind, e.via, e.after?.removed ?? e.after])).toEqual([
      [7, 'audit.prune', 'system', 'job', 5],
      [6, 'settings.change', 'token', 'api', { auditRetentionDays: 30 }],
    ]);
    expect(await call('owner', 'GET', '/audit/verify')).toEqual({ status: 200, json: { intact: true, entries: 2 } });
  });

  it('records logins, failed ones too, from the client’s address; never a password, nor an email that names no one', async () => {
    await deps.db.updateTable('users').set({ password_hash: await hashPassword('a long password') }).where('email', '=', 'o@example.com').execute();
    deps.setup.claim();
    const login = (email: string, password: string) =>
      app.request('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: new URLSearchParams({ email, password }).toString() }, { incoming: { socket: { remoteAddress: '198.51.100.9', remoteFamily: 'IPv4' } } });
    expect((await login('o@example.com', 'not the password')).status).toBe(401);
    expect((await login('a long password', 'a long password')).status).toBe(401);
    expect((await login('o@example.com', 'a long password')).status).toBe(303);
    const entries = (await call('owner', 'GET', '/audit?action=login')).json.entries;
    expect(entries.map((e: any) => [e.actor.email, e.actor.id, e.outcome, e.via, e.address])).toEqual([
      ['o@example.com', people.owner.id, 'allowed', 'ui', '198.51.100.9'],
      ['(no such user)', null, 'refused', 'ui', '198.51.100.9'],
      ['o@example.com', people.owner.id, 'refused', 'ui', '198.51.100.9'],
    ]);
    expect(await everyRow()).not.toContain('long password');
  });

  it('records users added, a password set (never the password) and a user removed, and a service’s settings before and after', async () => {
    expect((await call('owner', 'POST', '/users', { email: 'new@example.com', role: 'member' })).status).toBe(201);
    expect((await call('owner', 'POST', '/users/new@example.com/password', { password: 'a long password' })).status).toBe(200);
    expect((await call('owner', 'DELETE', '/users/new@example.com')).status).toBe(200);
    expect((await call('owner', 'PATCH', '/projects/shop/services/web/settings', { port: 8080 })).status).toBe(200);
    const entries = (await call('owner', 'GET', '/audit?limit=4')).json.entries;
    expect(entries.map((e: any) => [e.action, e.object?.name, e.before, e.after && (e.after.port ?? e.after.password ?? e.after.email)])).toEqual([
      ['service-settings.change', 'shop/web (production)', { port: 3000 }, 8080],
      ['users.remove', 'new@example.com', null, null],
      ['users.password', 'new@example.com', null, '(changed)'],
      ['users.add', 'new@example.com', null, 'new@example.com'],
    ]);
    expect(await everyRow()).not.toContain('long password');
  });
});
