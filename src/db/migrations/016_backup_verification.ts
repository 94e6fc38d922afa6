// A backup's verification: restored into a throwaway server of the same engine and checked.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('database_backups').addColumn('verified', 'text').execute();
  await db.schema.alterTable('database_backups').addColumn('verify_detail', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('database_backups').dropColumn('verify_detail').execute();
  await db.schema.alterTable('database_backups').dropColumn('verified').execute();
}
