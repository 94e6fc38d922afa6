// A service's scheduled jobs (per environment): a command run from the serving image on a cron
// schedule, and each run kept with how it ended and the end of its output.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cron_jobs')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('service_id', 'integer', (col) => col.notNull().references('services.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('schedule', 'text', (col) => col.notNull())
    .addColumn('time_zone', 'text', (col) => col.notNull().defaultTo('UTC'))
    .addColumn('command', 'text', (col) => col.notNull())
    .addColumn('timeout_s', 'integer', (col) => col.notNull())
    .addColumn('allow_overlap', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await sql`create unique index cron_jobs_name on cron_jobs (service_id, environment_id, name)`.execute(db);
  await db.schema
    .createTable('cron_runs')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('job_id', 'integer', (col) => col.notNull().references('cron_jobs.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('running', 'succeeded', 'failed', 'timed-out', 'skipped', 'interrupted')`))
    .addColumn('exit_code', 'integer')
    .addColumn('reason', 'text')
    .addColumn('deployment_id', 'integer', (col) => col.references('deployments.id').onDelete('set null'))
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('output', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('cron_runs_job').on('cron_runs').columns(['job_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cron_runs').execute();
  await db.schema.dropTable('cron_jobs').execute();
}
