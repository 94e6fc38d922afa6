// The Dockerfile Spur wrote for a deployment whose repository has none, with why (JSON: stack,
// reasons, dockerfile); null when the repository's own Dockerfile was used.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').addColumn('build_plan', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('build_plan').execute();
}
