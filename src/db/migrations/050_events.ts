// Events out: what happened in a project (a deployment queued, active, failed; a certificate issued;
// a backup done; a member added; an alert fired) is recorded in the same transaction as the change,
// with one delivery row for each of the project's webhooks that wants it (an outbox: a crash between
// the change and the POST loses nothing). Deliveries are retried with back-off and kept as a log.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_by_project').on('events').columns(['project_id', 'id']).execute();
  await db.schema
    .createTable('event_webhooks')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('secrets_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('event_webhooks_project_name', ['project_id', 'name'])
    .execute();
  await db.schema
    .createTable('event_deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('event_webhooks.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_deliveries_due').on('event_deliveries').columns(['state', 'next_at']).execute();
  await db.schema.createIndex('event_deliveries_by_webhook').on('event_deliveries').columns(['webhook_id', 'id']).execute();
  await db.schema.createIndex('event_deliveries_by_event').on('event_deliveries').columns(['event_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('event_deliveries').execute();
  await db.schema.dropTable('event_webhooks').execute();
  await db.schema.dropTable('events').execute();
}
