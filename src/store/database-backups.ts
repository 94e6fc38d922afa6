// Records of database backups: started, then finished (file, size, SHA-256) or failed (why).
import type { Db } from '../db/open.js';
import type { DatabaseBackup, DatabaseRecord } from '../db/schema.js';
import { nowIso } from './time.js';

export async function startBackupRecord(db: Db, d: DatabaseRecord): Promise<DatabaseBackup> {
  return db.insertInto('database_backups').values({ project_id: d.project_id, environment_id: d.environment_id, database_name: d.name, engine: d.engine, status: 'running', created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
}

export async function finishBackupRecord(db: Db, id: number, done: { file: string; size: number; sha256: string } | { error: string }): Promise<DatabaseBackup> {
  const set = 'error' in done ? { status: 'failed' as const, error: done.error, finished_at: nowIso() } : { status: 'ok' as const, ...done, finished_at: nowIso() };
  return db.updateTable('database_backups').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
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
