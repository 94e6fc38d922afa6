// Protected environments and the requests that wait for an admin there. An environment that is
// protected holds a developer's deploy, rollback or variable change back as a request; an admin
// approves it (then it runs, as the requester) or rejects it. Environments of installations from
// before this stay unprotected (nothing changes for them until an admin says so); projects created
// from now on get their production protected (store/projects.ts).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('environments').addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('change_requests')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    // Null for a change of the environment's shared variables.
    .addColumn('service_id', 'integer', (c) => c.references('services.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('deploy', 'rollback', 'variables', 'shared-variables')`))
    // Null when a git host's webhook asked (no person is behind it).
    .addColumn('requested_by', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    // What running it needs, as sealed JSON (variable values are secrets; see secrets.ts).
    .addColumn('payload_sealed', 'text', (c) => c.notNull())
    // What may be shown of it (a commit, variable names; never a value), as JSON.
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'approved', 'rejected', 'expired', 'cancelled')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('deployment_id', 'integer', (c) => c.references('deployments.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('change_requests_project').on('change_requests').columns(['project_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('change_requests').execute();
  await db.schema.alterTable('environments').dropColumn('protected').execute();
}
