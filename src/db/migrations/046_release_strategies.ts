// How a service instance's new version takes over: rolling (task by task, the default), canary (a
// share of the traffic first, stepped up on a schedule or by hand) or blue-green (started whole
// beside the old, then one switch; the old kept ready for a while).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('strategy', 'text', (c) => c.notNull().defaultTo('rolling')).execute();
  await db.schema.alterTable('service_instances').addColumn('canary_steps', 'text').execute();
  await db.schema.alterTable('service_instances').addColumn('canary_step_s', 'integer', (c) => c.notNull().defaultTo(300)).execute();
  await db.schema.alterTable('service_instances').addColumn('blue_green_keep_s', 'integer', (c) => c.notNull().defaultTo(600)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['strategy', 'canary_steps', 'canary_step_s', 'blue_green_keep_s']) await db.schema.alterTable('service_instances').dropColumn(c).execute();
}
