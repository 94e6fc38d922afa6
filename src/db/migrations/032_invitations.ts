// Invitations to a project: a link that makes whoever holds it a member with one role, once,
// before it expires. Only the token's hash is kept (as for sessions and API tokens); the row says
// who invited and what became of it (accepted, revoked). Members get the time they joined and
// users the time they were last seen (a signed-in page or an API call), for the Members page.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'developer', 'viewer')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('invited_by_email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('invitations_project').on('invitations').columns(['project_id', 'id']).execute();
  // Null for members added before this migration: when they joined is not known.
  await db.schema.alterTable('project_members').addColumn('created_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('last_seen_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('last_seen_at').execute();
  await db.schema.alterTable('project_members').dropColumn('created_at').execute();
  await db.schema.dropTable('invitations').execute();
}
