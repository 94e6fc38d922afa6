// A service's scheduled jobs: listed with their next and last runs, added, changed, removed, run
// now, and their runs with the end of their output (deploy/cron-jobs.ts runs them). In a protected
// environment only an admin changes or runs them: neither can wait for an approval.
import type { CronJob, CronRun } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { createCronJob as insertCronJob, deleteCronJob, getCronJob, listCronJobs, listCronRuns, updateCronJob } from '../store/cron-jobs.js';
import type { InstanceContext } from '../store/services.js';
import * as validate from '../validate.js';
import { type AllowedInstance, requireAtOnce } from './access.js';
import { type Body, instanceObject, requireDaemon, scopeOf, truthy } from './common.js';
import { audit } from './record.js';

export const JOB_TIMEOUT_S = { default: 3600, max: 86_400 } as const;

export interface CronRunView {
  id: number;
  trigger: string;
  status: CronRun['status'];
  exitCode: number | null;
  reason: string | null;
  deployment: number | null;
  startedAt: string;
  finishedAt: string | null;
  /** The end of its output (stderr lines start with "! "), secrets masked. */
  output?: string;
}

export interface CronJobView {
  name: string;
  schedule: string;
  timeZone: string;
  command: string;
  timeout: number;
  allowOverlap: boolean;
  enabled: boolean;
  nextRun: string | null;
  lastRun: CronRunView | null;
}

export const toCronRunView = (r: CronRun, withOutput = false): CronRunView => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  exitCode: r.exit_code,
  reason: r.reason,
  deployment: r.deployment_id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  ...(withOutput ? { output: r.output } : {}),
});

export async function cronJobsOf(deps: Deps, ctx: InstanceContext): Promise<CronJobView[]> {
  const jobs = await listCronJobs(deps.db, scopeOf(ctx));
  return Promise.all(jobs.map(async (j) => toCronJobView(j, deps.cronJobs.nextRun(j.id), (await listCronRuns(deps.db, j.id, 1))[0])));
}

function toCronJobView(j: CronJob, next: Date | null, last: CronRun | undefined): CronJobView {
  return { name: j.name, schedule: j.schedule, timeZone: j.time_zone, command: j.command, timeout: j.timeout_s, allowOverlap: j.allow_overlap === 1, enabled: j.enabled === 1, nextRun: j.enabled ? (next?.toISOString() ?? null) : null, lastRun: last ? toCronRunView(last) : null };
}

const changing = (deps: Deps, ctx: AllowedInstance) => requireAtOnce(deps, ctx.acting, 'jobs.change', ctx.environment, { object: instanceObject(ctx), doing: 'change scheduled jobs' });

/** The fields a job is made of, as a form or the API gives them (`partial`: only those given). */
function jobFields(body: Body, partial: boolean) {
  const given = (k: string) => body[k] !== undefined && !(partial && body[k] === '');
  return validate.fields({
    schedule: () => (given('schedule') || !partial ? validate.cronSchedule(body.schedule) : undefined),
    time_zone: () => (given('timeZone') ? validate.timeZone(body.timeZone) : partial ? undefined : 'UTC'),
    command: () => (given('command') || !partial ? validate.commandLine('command', body.command) : undefined),
    timeout_s: () => (given('timeout') ? validate.integer('timeout', body.timeout, 1, JOB_TIMEOUT_S.max) : partial ? undefined : JOB_TIMEOUT_S.default),
    allow_overlap: () => (given('allowOverlap') ? (truthy(body.allowOverlap) ? 1 : 0) : partial ? undefined : 0),
    enabled: () => (given('enabled') ? (validate.onOff('enabled', body.enabled) ? 1 : 0) : undefined),
  });
}

export async function addCronJob(deps: Deps, ctx: AllowedInstance, body: Body): Promise<CronJobView> {
  await changing(deps, ctx);
  const { name, ...fields } = { name: validate.fields({ name: () => validate.resourceName('job', body.name) }).name, ...jobFields(body, false) };
  const job = await insertCronJob(deps.db, { service_id: ctx.service.id, environment_id: ctx.environment.id, name, schedule: fields.schedule!, time_zone: fields.time_zone!, command: fields.command!, timeout_s: fields.timeout_s!, allow_overlap: fields.allow_overlap!, enabled: fields.enabled ?? 1 });
  await audit(deps, ctx.acting, 'jobs.change', instanceObject(ctx), { after: { job: name, schedule: job.schedule, timeZone: job.time_zone, command: job.command } });
  await deps.cronJobs.refresh();
  return toCronJobView(job, deps.cronJobs.nextRun(job.id), undefined);
}

export async function changeCronJob(deps: Deps, ctx: AllowedInstance, name: string, body: Body): Promise<CronJobView> {
  await changing(deps, ctx);
  const job = await getCronJob(deps.db, scopeOf(ctx), validate.resourceName('job', name));
  const changes = Object.fromEntries(Object.entries(jobFields(body, true)).filter(([, v]) => v !== undefined));
  const changed = Object.keys(changes).length ? await updateCronJob(deps.db, job.id, changes) : job;
  await audit(deps, ctx.acting, 'jobs.change', instanceObject(ctx), { before: { job: name, schedule: job.schedule, command: job.command, enabled: job.enabled === 1 }, after: { job: name, schedule: changed.schedule, command: changed.command, enabled: changed.enabled === 1 } });
  await deps.cronJobs.refresh();
  return toCronJobView(changed, deps.cronJobs.nextRun(job.id), (await listCronRuns(deps.db, job.id, 1))[0]);
}

export async function removeCronJob(deps: Deps, ctx: AllowedInstance, name: string): Promise<void> {
  await changing(deps, ctx);
  const job = await getCronJob(deps.db, scopeOf(ctx), validate.resourceName('job', name));
  await deps.cronJobs.stopRunsOf(job.id);
  await deleteCronJob(deps.db, job.id);
  await audit(deps, ctx.acting, 'jobs.change', instanceObject(ctx), { before: { job: name, schedule: job.schedule, command: job.command }, after: null });
  await deps.cronJobs.refresh();
}

/** Runs the job now, beside its schedule (skipped while a run still runs, unless it allows overlap). */
export async function runCronJobNow(deps: Deps, ctx: AllowedInstance, name: string): Promise<CronRunView> {
  await requireAtOnce(deps, ctx.acting, 'run', ctx.environment, { object: instanceObject(ctx), doing: 'run commands' });
  const job = await getCronJob(deps.db, scopeOf(ctx), validate.resourceName('job', name));
  requireDaemon(deps);
  const run = await deps.cronJobs.runNow(job, `manual:${ctx.acting.email}`);
  await audit(deps, ctx.acting, 'run', instanceObject(ctx), { after: { job: name, run: run.id, status: run.status } });
  return toCronRunView(run);
}

export async function cronRunsOf(deps: Deps, ctx: InstanceContext, name: string): Promise<CronRunView[]> {
  const job = await getCronJob(deps.db, scopeOf(ctx), validate.resourceName('job', name));
  return (await listCronRuns(deps.db, job.id)).map((r) => toCronRunView(r, true));
}
