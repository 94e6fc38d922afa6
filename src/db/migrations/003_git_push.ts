// git push and webhooks: users' SSH keys, project membership, per-environment branches and
// auto-deploy, service credentials (deploy key, HTTPS token, webhook secret), webhook deliveries.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ssh_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('project_members')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
    .execute();
  await db.schema.alterTable('service_instances').addColumn('branch', 'text').execute();
  await db.schema.alterTable('service_instances').addColumn('auto_deploy', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  for (const column of ['deploy_key_private_sealed', 'deploy_key_public', 'https_token_sealed', 'webhook_secret_sealed']) {
    await db.schema.alterTable('services').addColumn(column, 'text').execute();
  }
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['provider', 'delivery_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  for (const column of ['deploy_key_private_sealed', 'deploy_key_public', 'https_token_sealed', 'webhook_secret_sealed']) {
    await db.schema.alterTable('services').dropColumn(column).execute();
  }
  await db.schema.alterTable('service_instances').dropColumn('auto_deploy').execute();
  await db.schema.alterTable('service_instances').dropColumn('branch').execute();
  await db.schema.dropTable('project_members').execute();
  await db.schema.dropTable('ssh_keys').execute();
}
