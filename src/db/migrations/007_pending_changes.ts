// When an instance's settings or variables last changed, so pages can say the serving version
// does not run with them yet.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('changed_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').dropColumn('changed_at').execute();
}
