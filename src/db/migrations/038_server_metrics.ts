// A server's metrics beside its services' (src/metrics/host.ts): the series of a server holds, on
// top of CPU, memory and network, its disk where Docker keeps its data and its load average. A
// service's points leave them null.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Bytes used and the disk's size; the 1-minute load average in thousandths.
  for (const column of ['disk', 'disk_size', 'load']) await db.schema.alterTable('metric_points').addColumn(column, 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['disk', 'disk_size', 'load']) await db.schema.alterTable('metric_points').dropColumn(column).execute();
}
