// App tier: every change a user makes through the API (and the browser's own few: minting a
// token, signing out) is in the audit log, with what it was before and after, and no secret
// value anywhere in the log. Work that needs Docker (deleting services, environments and
// databases; running databases) is refused here before it changes anything (503).
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { ORIGIN, SETUP_TOKEN, makeTestApp, teamWorld } from '../../test/app-fixture.js';
import { createSession } from '../store/users.js';

let w: Awaited<ReturnType<typeof teamWorld>>;
beforeEach(async () => {
  w = await teamWorld();
});

type Entry = { action: string; actor: { kind: string; email: string }; role: string | null; object: { kind: string; name: string | null } | null; before: unknown; after: unknown; via: string; outcome: string };
/** The installation's entries of one family of actions, oldest first. */
const entries = async (action: string): Promise<Entry[]> => {
  const res = await w.call('owner', 'GET', `/audit?action=${action}&limit=1000`);
  expect(res.status).toBe(200);
  return (res.json.entries as Entry[]).reverse();
};
const brief = (e: Entry) => [e.action, e.actor.email, e.object?.name ?? null, e.before, e.after];
const everyRow = async () => JSON.stringify(await w.deps.db.selectFrom('audit_entries').selectAll().execute());
const ok = async (who: string, method: string, path: string, body?: unknown) => {
  const res = await w.call(who, method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBeLessThan(300);
  return res.json;
};

describe('recording what changes', () => {
  it('records projects, environments, services, volumes and domains as they are created (the world itself is made through the API)', async () => {
    await ok('admin', 'POST', '/projects/shop/environments', { name: 'preview' });
    expect((await entries('project.create')).map(brief)).toEqual([
      ['project.create', 'owner@example.com', 'shop', null, { name: 'shop' }],
      ['project.create', 'owner@example.com', 'blog', null, { name: 'blog' }],
    ]);
    expect((await entries('environment')).map(brief)).toEqual([
      ['environment.create', 'owner@example.com', 'shop', null, { environment: 'staging' }],
      ['environment.create', 'owner@example.com', 'blog', null, { environment: 'staging' }],
      ['environment.create', 'admin@example.com', 'shop', null, { environment: 'preview' }],
    ]);
    const service = (await entries('service.create'))[0];
    expect(brief(service)).toEqual(['service.create', 'owner@example.com', 'shop/web', null, { source: { type: 'image', image: 'nginx' }, port: null }]);
    expect((await entries('volumes')).map(brief)[0]).toEqual(['volumes.add', 'owner@example.com', 'shop/web (production)', null, { name: 'data', mountPath: '/data' }]);
    expect((await entries('domains')).map(brief)[0]).toEqual(['domains.add', 'owner@example.com', 'shop/web (production)', null, { hostname: 'web.shop.example' }]);
    // Each lands in its project's log too.
    const shopLog = (await ok('owner', 'GET', '/projects/shop/audit?limit=1000')).entries as Entry[];
    expect(shopLog.map((e) => e.action)).toEqual(expect.arrayContaining(['project.create', 'service.create', 'environment.create', 'volumes.add', 'domains.add', 'variables.change']));
  });

  it('records a service’s source, scale, HTTPS token (never the token), volumes and domains changed or removed', async () => {
    await ok('developer', 'PUT', '/projects/shop/services/web/source', { image: 'nginx:1.27' });
    await ok('developer', 'POST', '/projects/shop/services/web/scale', { replicas: 3 });
    await ok('admin', 'PATCH', '/projects/shop/services/web/domains/web.shop.example', { hsts: true });
    await ok('admin', 'DELETE', '/projects/shop/services/web/domains/web.shop.example');
    await ok('admin', 'DELETE', '/projects/shop/services/web/volumes/data');
    // A service cloned over HTTPS, to be given a token.
    await w.deps.db.updateTable('services').set({ source_type: 'git', git_url: 'https://git.example/shop/web.git', git_branch: 'main', image: null }).where('name', '=', 'web').execute();
    await ok('developer', 'PUT', '/projects/shop/services/web/credentials', { httpsToken: 'ghp_do-not-log-this-token' });
    await ok('developer', 'PUT', '/projects/shop/services/web/credentials', { httpsToken: '' });

    expect((await entries('service-source')).map(brief)).toEqual([['service-source.change', 'developer@example.com', 'shop/web', { type: 'image', image: 'nginx' }, { type: 'image', image: 'nginx:1.27' }]]);
    expect((await entries('service.scale')).map(brief)).toEqual([['service.scale', 'developer@example.com', 'shop/web (production)', { replicas: 1 }, { replicas: 3 }]]);
    expect((await entries('service-credentials')).map(brief)).toEqual([
      ['service-credentials.change', 'developer@example.com', 'shop/web (production)', { httpsToken: null }, { httpsToken: '(set)' }],
      ['service-credentials.change', 'developer@example.com', 'shop/web (production)', { httpsToken: '(set)' }, { httpsToken: '(removed)' }],
    ]);
    expect((await entries('domains')).map(brief).slice(2)).toEqual([
      ['domains.change', 'admin@example.com', 'shop/web (production)', { hostname: 'web.shop.example', hsts: false }, { hostname: 'web.shop.example', hsts: true }],
      ['domains.remove', 'admin@example.com', 'shop/web (production)', { hostname: 'web.shop.example', https: true, hsts: true, redirectTo: null }, null],
    ]);
    expect((await entries('volumes.remove')).map(brief)).toEqual([['volumes.remove', 'admin@example.com', 'shop/web (production)', { name: 'data', mountPath: '/data', dockerVolume: expect.stringContaining('data') }, null]]);
    expect(await everyRow()).not.toContain('do-not-log-this-token');
  });

  it('records a database’s backup policy changed, a cancel, and an update started', async () => {
    await ok('admin', 'PATCH', '/projects/shop/databases/pg', { schedule: '15 4 * * *', keep: 5 });
    await ok('developer', 'POST', '/projects/shop/services/web/cancel');
    w.deps.updates = { ...w.deps.updates, launch: async () => '9.9.9' } as unknown as Deps['updates'];
    await ok('owner', 'POST', '/update');
    const [changed] = await entries('database.change');
    expect(brief(changed)).toEqual(['database.change', 'admin@example.com', 'shop/pg (production)', { backupSchedule: '0 3 * * *', backupKeep: expect.any(Number) }, { backupSchedule: '15 4 * * *', backupKeep: 5 }]);
    expect((await entries('cancel')).map(brief)).toEqual([['cancel', 'developer@example.com', 'shop/web (production)', null, { deployments: [] }]]);
    expect((await entries('update')).map(brief)).toEqual([['update.start', 'owner@example.com', null, null, { version: '9.9.9' }]]);
    expect(await everyRow()).not.toContain('secret-pw');
  });

  it('records a backup downloaded, by the backup it was', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'spur-audit-')), 'pg.dump');
    const dump = Buffer.from('a dump that holds every value');
    writeFileSync(file, dump);
    await w.deps.db.updateTable('database_backups').set({ file, size: dump.length, sha256: createHash('sha256').update(dump).digest('hex') }).where('id', '=', w.ids.shop.backup).execute();
    const res = await w.app.request(`/api/v1/projects/shop/databases/pg/backups/${w.ids.shop.backup}/file`, { headers: { Authorization: `Bearer ${w.tokens.admin}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(dump);
    expect((await entries('backups.download')).map(brief)).toEqual([['backups.download', 'admin@example.com', 'shop/pg (production)', null, { backup: w.ids.shop.backup }]]);
  });

  it('records servers added, drained, activated, made the build server and removed (never the password given to enrol)', async () => {
    const node = { id: 9, name: 'n2', host: '192.0.2.20', port: 22, user: 'root', status: 'ready', log: '' };
    w.deps.servers = {
      add: async () => node,
      drain: async () => node,
      activate: async () => node,
      setBuildServer: async () => node,
      remove: async () => {},
      find: async () => node,
    } as unknown as Deps['servers'];
    await w.call('owner', 'POST', '/servers', { name: 'n2', address: '192.0.2.20', password: 'root-password-do-not-log' });
    for (const step of ['drain', 'activate', 'build-server']) await w.call('owner', 'POST', `/servers/n2/${step}`);
    await w.call('owner', 'DELETE', '/servers/n2/build-server');
    await w.call('owner', 'DELETE', '/servers/n2');
    expect((await entries('servers')).map((e) => [e.action, e.object?.name, e.after])).toEqual([
      ['servers.add', 'n2', { name: 'n2', address: '192.0.2.20', port: 22, password: '(set)' }],
      ['servers.drain', 'n2', null],
      ['servers.activate', 'n2', null],
      ['servers.build-here', 'n2', null],
      ['servers.build-on-manager', 'n2', null],
      ['servers.remove', 'n2', null],
    ]);
    expect(await everyRow()).not.toContain('root-password-do-not-log');
  });

  it('records SSH keys added and removed, API tokens minted and revoked (never the token), and signing out', async () => {
    const key = await w.deps.db.selectFrom('ssh_keys').select(['id', 'fingerprint']).where('id', '=', w.own.developer.keyId).executeTakeFirstOrThrow();
    await ok('developer', 'DELETE', `/keys/${key.id}`);
    const session = await createSession(w.deps.db, (await w.deps.db.selectFrom('users').select('id').where('email', '=', 'developer@example.com').executeTakeFirstOrThrow()).id);
    const form = (path: string, fields: Record<string, string> = {}) =>
      w.app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: `spur_session=${session.token}` }, body: new URLSearchParams({ ...fields, _csrf: session.csrfToken }).toString() });
    const minted = await form('/account/tokens', { name: 'ci' });
    expect(minted.status).toBe(201);
    const secret = /spur_[A-Za-z0-9_-]{20,}/.exec(await minted.text())?.[0];
    const ci = await w.deps.db.selectFrom('api_tokens').select('id').where('name', '=', 'ci').executeTakeFirstOrThrow();
    await ok('developer', 'DELETE', `/tokens/${ci.id}`);
    expect((await form('/logout')).status).toBe(303);

    expect((await entries('keys')).map(brief).filter((e) => e[1] === 'developer@example.com')).toEqual([
      ['keys.add', 'developer@example.com', 'laptop', null, { name: 'laptop', fingerprint: key.fingerprint }],
      ['keys.remove', 'developer@example.com', 'laptop', { name: 'laptop', fingerprint: key.fingerprint }, null],
    ]);
    expect((await entries('tokens')).map(brief)).toEqual([
      ['tokens.create', 'developer@example.com', 'ci', null, { scope: 'read', project: null, expiresAt: null }],
      ['tokens.revoke', 'developer@example.com', 'ci', null, null],
    ]);
    const [logout] = await entries('logout');
    expect([logout.action, logout.actor.email, logout.via]).toEqual(['logout', 'developer@example.com', 'ui']);
    if (secret) expect(await everyRow()).not.toContain(secret);
    expect(await everyRow()).not.toContain(session.token);
  });

  it('records the installation claimed at setup: its first owner and the certificate contact, from the address it came from', async () => {
    const { deps, app } = await makeTestApp();
    const res = await app.request('/setup', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: new URLSearchParams({ token: SETUP_TOKEN, email: 'first@example.com', password: 'a long password' }).toString() }, { incoming: { socket: { remoteAddress: '198.51.100.4', remoteFamily: 'IPv4' } } });
    expect(res.status).toBe(303);
    const rows = await deps.db.selectFrom('audit_entries').select(['action', 'actor_email', 'role', 'via', 'address', 'after']).execute();
    expect(rows).toEqual([{ action: 'setup', actor_email: 'first@example.com', role: 'owner', via: 'ui', address: '198.51.100.4', after: '{"owner":"first@example.com","acmeEmail":"first@example.com"}' }]);
    expect(JSON.stringify(rows)).not.toContain('long password');
  });
});
