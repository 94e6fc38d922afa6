// Health checks, resources, restart policy and stop grace per (service, environment); rollback
// deployments remember which deployment they restore.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const columns: [string, 'text' | 'integer' | 'real', (c: any) => any][] = [
    ['health_type', 'text', (c) => c.notNull().defaultTo('tcp')],
    ['health_path', 'text', (c) => c],
    ['health_port', 'integer', (c) => c],
    ['health_interval_s', 'integer', (c) => c.notNull().defaultTo(3)],
    ['health_timeout_s', 'integer', (c) => c.notNull().defaultTo(3)],
    ['health_retries', 'integer', (c) => c.notNull().defaultTo(3)],
    ['health_start_period_s', 'integer', (c) => c.notNull().defaultTo(30)],
    ['cpu_limit', 'real', (c) => c],
    ['memory_limit_mb', 'integer', (c) => c],
    ['cpu_reservation', 'real', (c) => c],
    ['memory_reservation_mb', 'integer', (c) => c],
    ['restart_policy', 'text', (c) => c.notNull().defaultTo('any')],
    ['restart_max_attempts', 'integer', (c) => c.notNull().defaultTo(0)],
    ['stop_grace_s', 'integer', (c) => c.notNull().defaultTo(10)],
  ];
  for (const [name, type, build] of columns) await db.schema.alterTable('service_instances').addColumn(name, type, build).execute();
  await db.schema.alterTable('deployments').addColumn('source_deployment_id', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('source_deployment_id').execute();
  for (const name of ['health_type', 'health_path', 'health_port', 'health_interval_s', 'health_timeout_s', 'health_retries', 'health_start_period_s', 'cpu_limit', 'memory_limit_mb', 'cpu_reservation', 'memory_reservation_mb', 'restart_policy', 'restart_max_attempts', 'stop_grace_s']) {
    await db.schema.alterTable('service_instances').dropColumn(name).execute();
  }
}
