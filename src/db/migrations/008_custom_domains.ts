// A service has any number of custom domains per environment, each its own row; a hostname
// belongs to one instance in the whole installation (unique index). The one-domain column goes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('domains')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('service_id', 'integer', (c) => c.notNull())
    .addColumn('environment_id', 'integer', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('domains_instance', ['service_id', 'environment_id'], 'service_instances', ['service_id', 'environment_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('domains_instance').on('domains').columns(['service_id', 'environment_id']).execute();
  await sql`INSERT INTO domains (service_id, environment_id, hostname, created_at)
    SELECT service_id, environment_id, custom_domain, ${new Date().toISOString()} FROM service_instances WHERE custom_domain IS NOT NULL`.execute(db);
  await db.schema.dropIndex('service_instances_custom_domain').execute();
  await db.schema.alterTable('service_instances').dropColumn('custom_domain').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('custom_domain', 'text').execute();
  await sql`UPDATE service_instances SET custom_domain = (SELECT MIN(hostname) FROM domains d WHERE d.service_id = service_instances.service_id AND d.environment_id = service_instances.environment_id)`.execute(db);
  await db.schema.createIndex('service_instances_custom_domain').unique().on('service_instances').column('custom_domain').where(sql.ref('custom_domain'), 'is not', null).execute();
  await db.schema.dropTable('domains').execute();
}
