// What a preview holds besides its pull request's service: the base's other services (`project`)
// and fresh databases; the token it reports its address to the pull request with. A preview
// remembers which git host's event made it (whose API gets the commit status).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('services').addColumn('previews_with', 'text', (c) => c.notNull().defaultTo('service')).execute();
  await db.schema.alterTable('services').addColumn('previews_databases', 'text', (c) => c.notNull().defaultTo('none')).execute();
  await db.schema.alterTable('services').addColumn('previews_status_token_sealed', 'text').execute();
  await db.schema.alterTable('environments').addColumn('preview_provider', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('environments').dropColumn('preview_provider').execute();
  for (const c of ['previews_with', 'previews_databases', 'previews_status_token_sealed']) await db.schema.alterTable('services').dropColumn(c).execute();
}
