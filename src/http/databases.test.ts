// App tier: what of a database a project member may not take (credentials, backup files), and
// what the API says of a backup whose file is gone — no Docker needed.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { createDatabase } from '../store/databases.js';
import { finishBackupRecord, startBackupRecord } from '../store/database-backups.js';
import { createApiToken, createUser } from '../store/users.js';
import type { createApp } from './app.js';
import { makeTestApp } from './test-app.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
const tokens: Record<string, string> = {};
let backupId = 0;

const call = async (who: string, method: string, path: string, body?: unknown) => {
  const res = await app.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${tokens[who]}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
};

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  const member = await createUser(deps.db, { email: 'm@example.com', passwordHash: 'x', role: 'member' });
  tokens.owner = await createApiToken(deps.db, owner.id, 't');
  tokens.member = await createApiToken(deps.db, member.id, 't');
  expect((await call('owner', 'POST', '/projects', { name: 'shop' })).status).toBe(201);
  const project = await deps.db.selectFrom('projects').selectAll().executeTakeFirstOrThrow();
  await addProjectMember(deps.db, project.id, member.id);
  const environment = await deps.db.selectFrom('environments').select('id').executeTakeFirstOrThrow();
  const pg = await createDatabase(deps.db, deps.key, { projectId: project.id, environmentId: environment.id, name: 'pg', engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'secret-pw', database: 'pg' } });
  const b = await startBackupRecord(deps.db, pg, 'manual');
  backupId = (await finishBackupRecord(deps.db, b.id, { file: '/nonexistent/backup.dump', size: 10, sha256: 'a'.repeat(64) })).id;
});

describe('databases, for a project member', () => {
  it('lists them with their reference, but neither credentials nor backup files', async () => {
    const list = await call('member', 'GET', '/projects/shop/databases');
    expect(list.json.databases[0]).toMatchObject({ name: 'pg', reference: '${{pg.DATABASE_URL}}', running: null });
    expect(JSON.stringify(list.json)).not.toContain('secret-pw');
    expect((await call('member', 'GET', '/projects/shop/databases/pg/credentials')).status).toBe(403);
    expect((await call('member', 'GET', `/projects/shop/databases/pg/backups/${backupId}/file`)).status).toBe(403);
    expect((await call('owner', 'GET', '/projects/shop/databases/pg/credentials')).json.variables.PGPASSWORD).toBe('secret-pw');
  });

  it('a backup whose file is gone is refused with why; an unknown one is 404; Docker down is 503 for a new backup', async () => {
    const gone = await call('owner', 'GET', `/projects/shop/databases/pg/backups/${backupId}/file`);
    expect(gone.status).toBe(409);
    expect(gone.json.error).toMatch(/file cannot be read/);
    expect((await call('owner', 'GET', `/projects/shop/databases/pg/backups/${backupId + 1}/file`)).status).toBe(404);
    expect((await call('owner', 'GET', '/projects/shop/databases/pg/backups/abc/file')).status).toBe(400);
    expect((await call('owner', 'POST', '/projects/shop/databases/pg/backups')).status).toBe(503);
    expect((await call('owner', 'POST', '/projects/shop/databases/pg/restore', { backup: backupId, confirm: 'other' })).status).toBe(400);
  });
});
