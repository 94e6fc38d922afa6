// Backups of a service's named volumes: each volume may have a schedule and a retention count; a
// backup is a gzipped tar of the volume, kept under the data dir (and copied to S3-compatible
// storage when one is set), recorded by the volume's name so it outlives the volume itself.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('volumes').addColumn('backup_schedule', 'text').execute();
  await db.schema.alterTable('volumes').addColumn('backup_keep', 'integer', (c) => c.notNull().defaultTo(7)).execute();
  await db.schema
    .createTable('volume_backups')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('volume_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('size', 'integer')
    .addColumn('sha256', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('remote_key', 'text')
    .addColumn('remote_status', 'text')
    .addColumn('remote_error', 'text')
    .execute();
  await db.schema.createIndex('volume_backups_by_volume').on('volume_backups').columns(['service_id', 'environment_id', 'volume_name', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('volume_backups').execute();
  for (const c of ['backup_schedule', 'backup_keep']) await db.schema.alterTable('volumes').dropColumn(c).execute();
}
