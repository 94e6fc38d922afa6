// The audit log: one row per change (or refused attempt), appended and never changed. Each row
// carries the hash of the row before it (prev_hash) and its own hash over both, so an edited,
// removed or reordered row breaks the chain that `spur audit verify` walks. No foreign keys: an
// entry outlives the user, project or object it names (it keeps their ids and names as they were).
// The trigger refuses updates from Spur itself; someone who edits the file can drop it, and the
// chain is what tells.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_email', 'text')
    .addColumn('role', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_kind', 'text')
    .addColumn('object_id', 'integer')
    .addColumn('object_name', 'text')
    .addColumn('project_id', 'integer')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('audit_entries_project').on('audit_entries').columns(['project_id', 'id']).execute();
  await sql`CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_entries').execute();
}
