// A service's scheduled jobs and their runs (migration 044). A run is recorded before it starts;
// whether it may start beside one still running is decided in the same transaction, so two
// starts at once never both run a job that does not allow overlap.
import type { Insertable, Updateable } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { CronJob, CronJobTable, CronRun, CronRunStatus } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import { nowIso } from './time.js';

/** Jobs one service may have in one environment. */
export const JOBS_MAX = 20;
/** Runs kept per job (the newest); older ones go as new ones are recorded. */
export const RUNS_KEPT = 50;

type Scope = { serviceId: number; environmentId: number };

export const listCronJobs = (db: Db, scope: Scope) =>
  db.selectFrom('cron_jobs').selectAll().where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).orderBy('name').execute();

export async function getCronJob(db: Db, scope: Scope, name: string): Promise<CronJob> {
  const job = await db.selectFrom('cron_jobs').selectAll().where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).where('name', '=', name).executeTakeFirst();
  if (!job) throw new NotFound(`there is no job ${name}`);
  return job;
}

export const findCronJobById = (db: Db, id: number) => db.selectFrom('cron_jobs').selectAll().where('id', '=', id).executeTakeFirst();

export async function createCronJob(db: Db, row: Omit<Insertable<CronJobTable>, 'created_at'>): Promise<CronJob> {
  return db.transaction().execute(async (tx) => {
    const { count } = await tx.selectFrom('cron_jobs').select((eb) => eb.fn.countAll<number>().as('count')).where('service_id', '=', row.service_id).where('environment_id', '=', row.environment_id).executeTakeFirstOrThrow();
    if (Number(count) >= JOBS_MAX) throw new Conflict(`a service may have at most ${JOBS_MAX} jobs in an environment; remove one first`);
    try {
      return await tx.insertInto('cron_jobs').values({ ...row, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`a job named ${row.name} already exists here`);
      throw err;
    }
  });
}

export const updateCronJob = (db: Db, id: number, changes: Updateable<CronJobTable>) => db.updateTable('cron_jobs').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export const deleteCronJob = (db: Db, id: number) => db.deleteFrom('cron_jobs').where('id', '=', id).execute();

/** Every enabled job, with the names its container and its alert use. */
export const listEnabledCronJobs = (db: Db) =>
  db
    .selectFrom('cron_jobs as j')
    .innerJoin('services as s', 's.id', 'j.service_id')
    .innerJoin('environments as e', 'e.id', 'j.environment_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .selectAll('j')
    .select(['p.id as project_id', 'p.name as project', 's.name as service', 'e.name as environment'])
    .where('j.enabled', '=', 1)
    .execute();

/** Runs of one job at once when it allows overlap. */
export const OVERLAP_MAX = 3;

/** Records a run about to start: `running`, or `skipped` when a run of the job is still running
 *  (OVERLAP_MAX when it allows overlap), or when `refuse` says why not (decided in one transaction). */
export async function startCronRun(db: Db, job: Pick<CronJob, 'id' | 'allow_overlap'>, trigger: string, deploymentId: number | null, refuse?: string): Promise<CronRun> {
  return db.transaction().execute(async (tx) => {
    const running = await tx.selectFrom('cron_runs').select('id').where('job_id', '=', job.id).where('status', '=', 'running').orderBy('id').execute();
    const busy = refuse ?? (job.allow_overlap ? (running.length >= OVERLAP_MAX ? `${running.length} runs of it are still running` : undefined) : running[0] && `run #${running[0].id} was still running`);
    const run = await tx
      .insertInto('cron_runs')
      .values({
        job_id: job.id,
        trigger,
        status: busy ? 'skipped' : 'running',
        reason: busy ?? null,
        exit_code: null,
        deployment_id: deploymentId,
        started_at: nowIso(),
        finished_at: busy ? nowIso() : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const old = await tx.selectFrom('cron_runs').select('id').where('job_id', '=', job.id).orderBy('id', 'desc').offset(RUNS_KEPT).limit(1).executeTakeFirst();
    if (old) await tx.deleteFrom('cron_runs').where('job_id', '=', job.id).where('id', '<=', old.id).where('status', '!=', 'running').execute();
    return run;
  });
}

/** A run that could not start: recorded as failed at once, with why. */
export const recordFailedCronRun = (db: Db, jobId: number, trigger: string, reason: string) =>
  db.insertInto('cron_runs').values({ job_id: jobId, trigger, status: 'failed', reason, exit_code: null, deployment_id: null, started_at: nowIso(), finished_at: nowIso() }).returningAll().executeTakeFirstOrThrow();

export const finishCronRun = (db: Db, id: number, end: { status: Exclude<CronRunStatus, 'running' | 'skipped'>; exitCode?: number | null; reason?: string | null; output: string }) =>
  db.updateTable('cron_runs').set({ status: end.status, exit_code: end.exitCode ?? null, reason: end.reason ?? null, output: end.output, finished_at: nowIso() }).where('id', '=', id).where('status', '=', 'running').execute();

/** After a restart: runs Spur was watching ended with it. */
export const interruptCronRuns = (db: Db) =>
  db.updateTable('cron_runs').set({ status: 'interrupted', reason: 'Spur stopped while it ran', finished_at: nowIso() }).where('status', '=', 'running').execute();

export const listCronRuns = (db: Db, jobId: number, limit = RUNS_KEPT) => db.selectFrom('cron_runs').selectAll().where('job_id', '=', jobId).orderBy('id', 'desc').limit(limit).execute();

/** Each job's newest run that ran (not skipped), with its job's names: what the alert reads. */
export const newestCronRuns = (db: Db) =>
  db
    .selectFrom('cron_runs as r')
    .innerJoin('cron_jobs as j', 'j.id', 'r.job_id')
    .innerJoin('services as s', 's.id', 'j.service_id')
    .innerJoin('environments as e', 'e.id', 'j.environment_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .select(['r.id', 'r.status', 'r.exit_code', 'r.reason', 'j.name as job', 'p.id as project_id', 'p.name as project', 's.name as service', 'e.name as environment'])
    .where('r.id', 'in', (eb) => eb.selectFrom('cron_runs').select((x) => x.fn.max('id').as('id')).where('status', 'not in', ['skipped', 'running']).groupBy('job_id'))
    .execute();
