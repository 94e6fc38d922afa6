// Who asked for each deployment (web, API, CLI token, git push by the key's owner), for the
// dashboard's activity feed; null when no person did (a webhook) or for deployments made before.
// A removed user leaves their deployments without a name rather than taking them along.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').addColumn('requested_by', 'integer', (c) => c.references('users.id').onDelete('set null')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('requested_by').execute();
}
