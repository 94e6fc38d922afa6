// Metrics Spur samples itself (src/metrics): a series per Swarm service (a service in an
// environment, or a database; a service made again under the same name starts a new one), and its points in three rings (src/metrics/tiers.ts). A point's
// slot is fixed by its window, so each series holds a bounded number of rows for good. Values are
// whole numbers (SQLite keeps them in a few bytes): CPU in thousandths of a core, memory in bytes,
// network in bytes a second.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('metric_series')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('swarm_id', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('metric_points')
    .addColumn('series_id', 'integer', (col) => col.notNull().references('metric_series.id').onDelete('cascade'))
    .addColumn('tier', 'integer', (col) => col.notNull())
    .addColumn('slot', 'integer', (col) => col.notNull())
    .addColumn('at', 'integer', (col) => col.notNull())
    .addColumn('cpu', 'integer', (col) => col.notNull())
    .addColumn('cpu_max', 'integer', (col) => col.notNull())
    .addColumn('memory', 'integer', (col) => col.notNull())
    .addColumn('memory_max', 'integer', (col) => col.notNull())
    .addColumn('memory_limit', 'integer')
    .addColumn('rx', 'integer', (col) => col.notNull())
    .addColumn('tx', 'integer', (col) => col.notNull())
    .addColumn('tasks', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('metric_points_pk', ['series_id', 'tier', 'slot'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('metric_points_by_time').on('metric_points').columns(['tier', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('metric_points').execute();
  await db.schema.dropTable('metric_series').execute();
}
