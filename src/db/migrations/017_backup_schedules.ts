// Scheduled backups: each database has a cron schedule (null: none) and keeps its newest N
// backups; each backup records what started it and its copy in S3-compatible storage.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('databases').addColumn('backup_schedule', 'text', (c) => c.defaultTo('0 3 * * *')).execute();
  await db.schema.alterTable('databases').addColumn('backup_keep', 'integer', (c) => c.notNull().defaultTo(7)).execute();
  await db.schema.alterTable('database_backups').addColumn('trigger', 'text', (c) => c.notNull().defaultTo('manual')).execute();
  await db.schema.alterTable('database_backups').addColumn('remote_key', 'text').execute();
  await db.schema.alterTable('database_backups').addColumn('remote_status', 'text').execute();
  await db.schema.alterTable('database_backups').addColumn('remote_error', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['remote_error', 'remote_status', 'remote_key', 'trigger']) await db.schema.alterTable('database_backups').dropColumn(column).execute();
  await db.schema.alterTable('databases').dropColumn('backup_keep').execute();
  await db.schema.alterTable('databases').dropColumn('backup_schedule').execute();
}
