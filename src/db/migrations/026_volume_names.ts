// The Docker volume behind each service volume and database, recorded when it is created: a name
// with a random part, so a project, service or database made later with the same names never
// mounts a deleted one's kept data. Rows made before this keep the name they were mounted by.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('volumes').addColumn('docker_name', 'text', (c) => c.notNull().defaultTo('')).execute();
  await sql`UPDATE volumes SET docker_name = 'spur_' || (SELECT p.name FROM services s JOIN projects p ON p.id = s.project_id WHERE s.id = volumes.service_id)
    || '_' || (SELECT s.name FROM services s WHERE s.id = volumes.service_id)
    || '_' || (SELECT e.name FROM environments e WHERE e.id = volumes.environment_id)
    || '_v_' || volumes.name`.execute(db);
  await db.schema.createIndex('volumes_docker_name').on('volumes').column('docker_name').unique().execute();

  await db.schema.alterTable('databases').addColumn('volume_name', 'text', (c) => c.notNull().defaultTo('')).execute();
  await sql`UPDATE databases SET volume_name = 'spur_' || (SELECT p.name FROM projects p WHERE p.id = databases.project_id)
    || '_' || databases.name
    || '_' || (SELECT e.name FROM environments e WHERE e.id = databases.environment_id)
    || '_data'`.execute(db);
  await db.schema.createIndex('databases_volume_name').on('databases').column('volume_name').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('databases_volume_name').execute();
  await db.schema.alterTable('databases').dropColumn('volume_name').execute();
  await db.schema.dropIndex('volumes_docker_name').execute();
  await db.schema.alterTable('volumes').dropColumn('docker_name').execute();
}
