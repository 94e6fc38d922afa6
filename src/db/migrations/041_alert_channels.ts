// Where alerts go (src/alerts/channels): a project's channels, and the installation's (no
// project). A channel's secrets (a webhook's signing secret, a chat's webhook address or bot
// token) are sealed with Spur's key, apart from its other settings. Ids are never used again: a
// rule naming a removed channel must not reach another project's new one.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_channels')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('settings', 'text', (col) => col.notNull())
    .addColumn('secrets_sealed', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  // One name a project, and one among the installation's (a NULL project is its own key).
  await sql`create unique index alert_channels_name on alert_channels (coalesce(project_id, 0), name)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_channels').execute();
}
