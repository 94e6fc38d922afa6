// A service's own build limits in an environment: memory and CPU caps and a timeout; null takes
// the server's (SPUR_BUILD_MEMORY, SPUR_BUILD_CPUS, SPUR_BUILD_TIMEOUT).
import type { Kysely } from 'kysely';

const COLUMNS = [['build_memory_mb', 'integer'], ['build_cpus', 'real'], ['build_timeout_s', 'integer']] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable('service_instances').addColumn(name, type).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of COLUMNS) await db.schema.alterTable('service_instances').dropColumn(name).execute();
}
