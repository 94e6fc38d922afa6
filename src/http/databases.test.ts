// App tier: what of a database a project member may not take (credentials, backup files), and
// what the API says of a backup whose file is gone — no Docker needed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseBackups } from '../databases/backup-runs.js';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { createDatabase } from '../store/databases.js';
import { finishBackupRecord, startBackupRecord } from '../store/database-backups.js';
import type { createApp } from './app.js';
import { apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let backupId = 0;

let call: ReturnType<typeof apiAs>;

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  const { member, tokens } = await ownerAndMember(deps);
  call = apiAs(app, tokens);
  expect((await call('owner', 'POST', '/projects', { name: 'shop' })).status).toBe(201);
  const project = await deps.db.selectFrom('projects').selectAll().executeTakeFirstOrThrow();
  await addProjectMember(deps.db, project.id, member.id);
  const environment = await deps.db.selectFrom('environments').select('id').executeTakeFirstOrThrow();
  const pg = await createDatabase(deps.db, deps.key, { projectId: project.id, environmentId: environment.id, name: 'pg', volumeName: 'spur_shop_pg_production_data_test', engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'secret-pw', database: 'pg' } });
  await deps.databaseBackups.refreshSchedules();
  const b = await startBackupRecord(deps.db, pg, 'manual');
  backupId = (await finishBackupRecord(deps.db, b.id, { file: '/nonexistent/backup.dump', size: 10, sha256: 'a'.repeat(64) })).id;
});

afterEach(() => (deps.databaseBackups as DatabaseBackups).stop());

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

describe('a database\'s backup schedule and retention', () => {
  it('is daily by default; a cron expression or none changes it; bad ones are 400 and change nothing', async () => {
    expect((await call('owner', 'GET', '/projects/shop/databases/pg')).json.database).toMatchObject({ backupSchedule: '0 3 * * *', backupKeep: 7, nextBackupAt: expect.stringMatching(/T03:00:00\.000Z$/) });
    for (const body of [{ schedule: 'daily' }, { schedule: '0 3 * * * *' }, { schedule: '0 99 * * *' }, { keep: 0 }, { keep: 'many' }, { keep: 1001 }]) {
      const res = await call('owner', 'PATCH', '/projects/shop/databases/pg', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('owner', 'GET', '/projects/shop/databases/pg')).json.database).toMatchObject({ backupSchedule: '0 3 * * *', backupKeep: 7 });
    const changed = await call('owner', 'PATCH', '/projects/shop/databases/pg', { schedule: '30 1 * * 0', keep: 3 });
    expect(changed.json.database).toMatchObject({ backupSchedule: '30 1 * * 0', backupKeep: 3, nextBackupAt: expect.stringMatching(/T01:30:00\.000Z$/) });
    expect((await call('owner', 'PATCH', '/projects/shop/databases/pg', { schedule: 'none' })).json.database).toMatchObject({ backupSchedule: null, nextBackupAt: null, backupKeep: 3 });
  });

  it('fewer kept prunes the oldest backups (and their files) at once', async () => {
    const d = await deps.db.selectFrom('databases').selectAll().executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) await finishBackupRecord(deps.db, (await startBackupRecord(deps.db, d, 'manual')).id, { file: `/nonexistent/${i}.dump`, size: 1, sha256: 'b'.repeat(64) });
    await call('owner', 'PATCH', '/projects/shop/databases/pg', { keep: 2 });
    expect((await call('owner', 'GET', '/projects/shop/databases/pg/backups')).json.backups.map((b: { id: number }) => b.id)).toEqual([backupId + 3, backupId + 2]);
  });
});

describe('S3 storage for backups', () => {
  it('is the owner\'s to set; refused settings change nothing', async () => {
    expect((await call('member', 'PATCH', '/settings', { backupStorage: null })).status).toBe(403);
    const res = await call('owner', 'PATCH', '/settings', { backupStorage: { endpoint: 'https://s3.example/x', bucket: 'B', accessKeyId: 'k' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/endpoint.*without a path/);
    expect(res.json.error).toMatch(/bucket/);
    expect(res.json.error).toMatch(/secret key/);
    expect((await call('owner', 'GET', '/settings')).json.backupStorage).toBeNull();
  });
});
