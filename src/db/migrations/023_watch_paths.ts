// Watch patterns of a service in an environment (JSON list of globs): a push deploys it only if a
// changed file matches one; null or [] falls back to its root directory.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('watch_paths', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').dropColumn('watch_paths').execute();
}
