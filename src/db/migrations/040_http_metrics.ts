// A service's HTTP figures as Traefik counts them (src/metrics/traefik.ts): requests in the
// point's window, those answered 4xx and 5xx, and latency quantiles in microseconds. Null where
// Traefik does not serve the service (or no request came).
import type { Kysely } from 'kysely';

const COLUMNS = ['requests', 'errors_4xx', 'errors_5xx', 'p50', 'p95', 'p99'];

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('metric_points').addColumn(column, 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('metric_points').dropColumn(column).execute();
}
