// A domain may redirect to another domain of the same service (www. ↔ apex).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('domains').addColumn('redirect_to', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('domains').dropColumn('redirect_to').execute();
}
