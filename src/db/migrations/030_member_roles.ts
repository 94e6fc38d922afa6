// A project member has a role in that project: admin, developer or viewer (actions/access.ts says
// what each may). Members from before roles become developers — least privilege: until now a
// member could neither manage members nor reveal values, and a developer still may not.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('project_members')
    .addColumn('role', 'text', (col) => col.notNull().defaultTo('developer').check(sql`role in ('admin', 'developer', 'viewer')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('project_members').dropColumn('role').execute();
}
