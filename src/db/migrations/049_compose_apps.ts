// Compose apps: a Compose file (pasted, or read from a repository at a branch, with its .env) kept as a group of the project's services;
// each group deployment records the file it deployed and the deployment of every member, so that
// a rollback returns all of them to one earlier group deployment. A service instance gains what a
// Compose service may set on its container: command, entrypoint, labels, user, working directory,
// init, and a health check command.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('compose_apps')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('file_sealed', 'text', (c) => c.notNull())
    .addColumn('dotenv_sealed', 'text')
    .addColumn('git_url', 'text')
    .addColumn('git_branch', 'text')
    .addColumn('git_path', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('compose_apps_project_name', ['project_id', 'name'])
    .execute();
  await db.schema.alterTable('services').addColumn('compose_app_id', 'integer', (c) => c.references('compose_apps.id').onDelete('set null')).execute();
  await db.schema
    .createTable('compose_deployments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('app_id', 'integer', (c) => c.notNull().references('compose_apps.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rollback_of', 'integer')
    .addColumn('file_sealed', 'text', (c) => c.notNull())
    .addColumn('dotenv_sealed', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('compose_deployments_by_app').on('compose_deployments').columns(['app_id', 'environment_id', 'id']).execute();
  await db.schema
    .createTable('compose_deployment_members')
    .addColumn('compose_deployment_id', 'integer', (c) => c.notNull().references('compose_deployments.id').onDelete('cascade'))
    .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('deployment_id', 'integer', (c) => c.references('deployments.id').onDelete('set null'))
    .addColumn('changed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('compose_deployment_members_pk', ['compose_deployment_id', 'service_id'])
    .execute();
  for (const column of ['container_command', 'container_entrypoint', 'container_labels', 'container_user', 'container_workdir', 'health_command']) {
    await db.schema.alterTable('service_instances').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('service_instances').addColumn('container_init', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['container_command', 'container_entrypoint', 'container_labels', 'container_user', 'container_workdir', 'health_command', 'container_init']) {
    await db.schema.alterTable('service_instances').dropColumn(column).execute();
  }
  await db.schema.dropTable('compose_deployment_members').execute();
  await db.schema.dropTable('compose_deployments').execute();
  await db.schema.alterTable('services').dropColumn('compose_app_id').execute();
  await db.schema.dropTable('compose_apps').execute();
}
