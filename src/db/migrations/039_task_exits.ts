// Tasks that ended without being asked to (src/metrics/exits.ts): each exit with its reason, kept
// 90 days and at most EXITS_KEPT a series; and a point's count of them.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('task_exits')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    // The Swarm service's name, as metric_series names it (the series may have no points yet).
    .addColumn('series', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull().unique())
    .addColumn('at', 'integer', (col) => col.notNull())
    .addColumn('slot', 'integer')
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('exit_code', 'integer')
    .addColumn('reason', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('task_exits_by_series').on('task_exits').columns(['series', 'at']).execute();
  // Exits in the point's window; null is none.
  await db.schema.alterTable('metric_points').addColumn('restarts', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('metric_points').dropColumn('restarts').execute();
  await db.schema.dropTable('task_exits').execute();
}
