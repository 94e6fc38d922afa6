// Named volumes of a service, per environment: kept across deploys and rollbacks.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('volumes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('service_id', 'integer', (c) => c.notNull())
    .addColumn('environment_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mount_path', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('volumes_instance', ['service_id', 'environment_id'], 'service_instances', ['service_id', 'environment_id'], (fk) => fk.onDelete('cascade'))
    .addUniqueConstraint('volumes_instance_name', ['service_id', 'environment_id', 'name'])
    .addUniqueConstraint('volumes_instance_path', ['service_id', 'environment_id', 'mount_path'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('volumes').execute();
}
