// Alerts (src/alerts): the owners' and admins' threshold rules, the built-in rules someone turned
// off, each alert from pending to resolved (one row: its state while it lasts, its history after),
// the notifications sent for it, and autoscaling: a service instance's bounds and target, and each
// change of its replicas the autoscaler made.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('target', 'text', (col) => col.notNull())
    .addColumn('subject', 'text')
    .addColumn('metric', 'text', (col) => col.notNull())
    .addColumn('op', 'text', (col) => col.notNull())
    .addColumn('value', 'real', (col) => col.notNull())
    .addColumn('for_s', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await sql`create unique index alert_rules_name on alert_rules (coalesce(project_id, 0), name)`.execute(db);
  await db.schema
    .createTable('alert_rules_off')
    .addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade'))
    .addColumn('rule', 'text', (col) => col.notNull())
    .execute();
  await sql`create unique index alert_rules_off_rule on alert_rules_off (coalesce(project_id, 0), rule)`.execute(db);
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('link', 'text')
    .addColumn('since', 'integer', (col) => col.notNull())
    .addColumn('firing', 'integer', (col) => col.notNull())
    .addColumn('sent_at', 'integer')
    .addColumn('clear_since', 'integer')
    .addColumn('fired_at', 'integer')
    .addColumn('resolved_at', 'integer')
    .execute();
  // One open alert a key: the one the engine steps.
  await sql`create unique index alerts_open_key on alerts (key) where resolved_at is null`.execute(db);
  await db.schema.createIndex('alerts_fired').on('alerts').columns(['project_id', 'fired_at']).execute();
  await db.schema
    .createTable('alert_notifications')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('alert_id', 'integer', (col) => col.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('installation', 'integer', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('at', 'integer', (col) => col.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('alert_notifications_alert').on('alert_notifications').column('alert_id').execute();
  // What an alert's step said to send, written with the step: sent after, and after a crash too.
  await db.schema
    .createTable('alert_sends')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('alert_id', 'integer', (col) => col.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('created_at', 'integer', (col) => col.notNull())
    .addColumn('sent_at', 'integer')
    .execute();
  await sql`create index alert_sends_unsent on alert_sends (id) where sent_at is null`.execute(db);
  for (const column of ['autoscale_min', 'autoscale_max', 'autoscale_cpu', 'autoscale_memory'])
    await db.schema.alterTable('service_instances').addColumn(column, 'integer').execute();
  await db.schema
    .createTable('scale_events')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('service_id', 'integer', (col) => col.notNull().references('services.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('from_replicas', 'integer', (col) => col.notNull())
    .addColumn('to_replicas', 'integer', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('scale_events_instance').on('scale_events').columns(['service_id', 'environment_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['scale_events', 'alert_sends', 'alert_notifications', 'alerts', 'alert_rules_off', 'alert_rules']) await db.schema.dropTable(table).execute();
  for (const column of ['autoscale_min', 'autoscale_max', 'autoscale_cpu', 'autoscale_memory'])
    await db.schema.alterTable('service_instances').dropColumn(column).execute();
}
