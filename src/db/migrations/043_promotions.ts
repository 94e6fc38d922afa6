// A promotion: a deployment that runs the image another environment's deployment served, with its
// own environment's variables (a rollback, `source_deployment_id`, restores the variables too).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').addColumn('promoted_from_id', 'integer', (c) => c.references('deployments.id').onDelete('set null')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('promoted_from_id').execute();
}
