// Records of database backups: started, then finished (file, size, SHA-256) or failed (why).
import type { Db } from '../db/open.js';
import type { DatabaseBackup, DatabaseRecord } from '../db/schema.js';
import { recordEvent } from './events.js';
import { inTransaction, nowIso } from './time.js';

export async function startBackupRecord(db: Db, d: DatabaseRecord, trigger: 'schedule' | 'manual'): Promise<DatabaseBackup> {
  return db.insertInto('database_backups').values({ project_id: d.project_id, environment_id: d.environment_id, database_name: d.name, engine: d.engine, status: 'running', trigger, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
}

export async function finishBackupRecord(db: Db, id: number, done: { file: string; size: number; sha256: string } | { error: string }): Promise<DatabaseBackup> {
  const set = 'error' in done ? { status: 'failed' as const, error: done.error, finished_at: nowIso() } : { status: 'ok' as const, ...done, finished_at: nowIso() };
  return inTransaction(db, async (tx) => {
    const b = await tx.updateTable('database_backups').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    const environment = await tx.selectFrom('environments').select('name').where('id', '=', b.environment_id).executeTakeFirst();
    await recordEvent(tx, b.project_id, b.status === 'ok' ? 'backup.done' : 'backup.failed', { backup: b.id, database: b.database_name, environment: environment?.name ?? null, trigger: b.trigger, ...(b.status === 'ok' ? { size: b.size } : { reason: b.error }) });
    return b;
  });
}

/** A database's backups, newest first. */
export function listBackups(db: Db, environmentId: number, databaseName: string): Promise<DatabaseBackup[]> {
  return db.selectFrom('database_backups').selectAll().where('environment_id', '=', environmentId).where('database_name', '=', databaseName).orderBy('id', 'desc').execute();
}

export function findBackup(db: Db, environmentId: number, databaseName: string, id: number): Promise<DatabaseBackup | undefined> {
  return db.selectFrom('database_backups').selectAll().where('environment_id', '=', environmentId).where('database_name', '=', databaseName).where('id', '=', id).executeTakeFirst();
}

/** Backups a stop cut off are failed, not left running for ever. */
export async function failInterruptedBackups(db: Db): Promise<void> {
  await db.updateTable('database_backups').set({ status: 'failed', error: 'interrupted: Spur stopped during the backup', finished_at: nowIso() }).where('status', '=', 'running').execute();
}

export async function recordVerification(db: Db, id: number, result: { passed: boolean; detail: string }): Promise<void> {
  await db.updateTable('database_backups').set({ verified: result.passed ? 'passed' : 'failed', verify_detail: result.detail }).where('id', '=', id).execute();
}

/** The newest backup of each database of these projects, where it failed, did not restore, or
 *  was not copied to S3. */
export function failingLatestBackups(db: Db, projectIds: number[]) {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('database_backups as b')
    .innerJoin('projects', 'projects.id', 'b.project_id')
    .innerJoin('environments', 'environments.id', 'b.environment_id')
    .select(['b.id', 'b.database_name', 'b.status', 'b.error', 'b.verified', 'b.verify_detail', 'b.remote_error', 'projects.name as project', 'environments.name as environment'])
    .where('b.project_id', 'in', projectIds)
    .where((eb) => eb('b.id', 'in', eb.selectFrom('database_backups').select((e) => e.fn.max('id').as('id')).groupBy(['environment_id', 'database_name'])))
    .where((eb) => eb.or([eb('b.status', '=', 'failed'), eb('b.verified', '=', 'failed'), eb('b.remote_status', '=', 'failed')]))
    .orderBy('b.id')
    .execute();
}

export async function recordRemoteCopy(db: Db, id: number, copy: { key: string; status: 'uploading' | 'ok' | 'failed'; error?: string }): Promise<void> {
  await db.updateTable('database_backups').set({ remote_key: copy.key, remote_status: copy.status, remote_error: copy.error ?? null }).where('id', '=', id).execute();
}

export async function removeBackupRecord(db: Db, id: number): Promise<void> {
  await db.deleteFrom('database_backups').where('id', '=', id).execute();
}
