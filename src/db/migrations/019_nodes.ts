// Servers enrolled into Spur's Swarm over SSH: where each is reached, the host key pinned at
// enrollment, its Swarm node id once joined, and the enrollment's log. And where each service's
// tasks may run (placement).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('nodes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('user', 'text', (c) => c.notNull())
    .addColumn('host_key_fingerprint', 'text')
    .addColumn('swarm_node_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('log', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('build_server', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Where a service's tasks run in an environment: null any node, 'manager', or a server's name.
  await db.schema.alterTable('service_instances').addColumn('placement', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').dropColumn('placement').execute();
  await db.schema.dropTable('nodes').execute();
}
