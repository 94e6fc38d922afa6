// A service's pre-deploy command in an environment (run once from the new image before each
// rollout), as the user wrote it; null for none.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('release_command', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').dropColumn('release_command').execute();
}
