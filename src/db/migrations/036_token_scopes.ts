// An API token has a scope (read, deploy or admin: actions/access.ts says which actions each
// covers), may be bound to one project, and may expire. Tokens from before keep doing what they
// did: admin, of no one project, never expiring. A project's tokens go with the project, and a
// token made by another token goes with it (revoked or its user removed), so a leaked token
// leaves nothing behind once revoked.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scope', 'text', (col) => col.notNull().defaultTo('admin').check(sql`scope in ('read', 'deploy', 'admin')`))
    .execute();
  await db.schema.alterTable('api_tokens').addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade')).execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('parent_id', 'integer', (col) => col.references('api_tokens.id').onDelete('cascade')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['parent_id', 'expires_at', 'project_id', 'scope']) await db.schema.alterTable('api_tokens').dropColumn(column).execute();
}
