// Preview environments: a service may turn them on (the environment a preview is made from, the
// variables copied into it, how long an idle one lives); an environment made for a pull request
// says which, its head commit, whether it came from a fork, and when it expires.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('services').addColumn('previews_base', 'text').execute();
  await db.schema.alterTable('services').addColumn('previews_copy', 'text').execute();
  await db.schema.alterTable('services').addColumn('previews_ttl_h', 'integer', (c) => c.notNull().defaultTo(72)).execute();
  await db.schema.alterTable('environments').addColumn('preview_service_id', 'integer', (c) => c.references('services.id').onDelete('cascade')).execute();
  await db.schema.alterTable('environments').addColumn('preview_pr', 'integer').execute();
  await db.schema.alterTable('environments').addColumn('preview_fork', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('environments').addColumn('preview_head', 'text').execute();
  await db.schema.alterTable('environments').addColumn('preview_expires_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['preview_service_id', 'preview_pr', 'preview_fork', 'preview_head', 'preview_expires_at']) await db.schema.alterTable('environments').dropColumn(c).execute();
  for (const c of ['previews_base', 'previews_copy', 'previews_ttl_h']) await db.schema.alterTable('services').dropColumn(c).execute();
}
