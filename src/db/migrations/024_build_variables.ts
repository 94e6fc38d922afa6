// Names of a service's variables passed to its builds as build arguments (JSON list); null: none.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('build_variables', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').dropColumn('build_variables').execute();
}
