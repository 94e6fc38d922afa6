// A commit pushed to Spur is read from the service's own repository, through the object
// directories its push named (the push's quarantine while the pre-receive hook waits). The
// deployment keeps them beside its commit_sha, so what it builds is in its record, not in memory.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').addColumn('pushed_objects', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('pushed_objects').execute();
}
