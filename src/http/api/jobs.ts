// A service's scheduled jobs in one environment (actions/cron-jobs.ts). In a protected environment
// only an admin changes or runs them: neither can wait for an approval.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { EnvQuery, json } from './schemas.js';

/** A whole number, as JSON or as text ("60"). */
const whole = z.union([z.number().int(), z.string()]);
/** A switch: true/false, or 'on'/'off', 'true'/'false', '1'/'0'. */
const onOff = z.union([z.boolean(), z.string()]);

const CronRunView = z.object({
  id: z.number().int(),
  trigger: z.string(),
  status: z.string().describe('running, succeeded, failed, timed-out, skipped or interrupted'),
  exitCode: z.number().int().nullable(),
  reason: z.string().nullable(),
  deployment: z.number().int().nullable().describe('The deployment whose image it ran'),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

const CronJobView = z.object({
  name: z.string(),
  schedule: z.string(),
  timeZone: z.string(),
  command: z.string(),
  timeout: z.number().int().describe('Seconds'),
  allowOverlap: z.boolean(),
  enabled: z.boolean(),
  nextRun: z.string().nullable(),
  lastRun: CronRunView.nullable(),
});

const jobFields = {
  schedule: z.string().describe('A five-field cron expression, e.g. 0 3 * * * (daily at 03:00 in its time zone)'),
  command: z.string().describe('The command run from the serving image, without a shell, e.g. node report.js'),
  timeZone: z.string().describe('The time zone its schedule is read in, e.g. Europe/Berlin (UTC when left out at creation)'),
  timeout: whole.describe('Seconds a run may take before it is stopped, 1–86400 (3600 when left out at creation)'),
  allowOverlap: onOff.describe("true (or 'on'): a run starts even while the last still runs; otherwise it is skipped"),
};

export function jobRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Scheduled jobs');
  r.get('/projects/:project/services/:service/jobs', { summary: "A service's scheduled jobs, with their next and last runs", query: EnvQuery, answers: [json(200, 'The jobs', z.object({ jobs: z.array(CronJobView) }))] }, async (c, { params, query }) =>
    c.json({ jobs: await ops.cronJobsOf(deps, await instanceOf(deps, c, { params, query }, 'project.read')) }),
  );
  r.post(
    '/projects/:project/services/:service/jobs',
    {
      summary: 'Add a scheduled job to a service',
      query: EnvQuery,
      body: z.strictObject({
        name: z.string().describe('Lowercase letters, digits and hyphens, starting with a letter, at most 30 characters, e.g. nightly-report'),
        schedule: jobFields.schedule,
        command: jobFields.command,
        timeZone: jobFields.timeZone.optional(),
        timeout: jobFields.timeout.optional(),
        allowOverlap: jobFields.allowOverlap.optional(),
        enabled: onOff.optional().describe("true or false (also 'on'/'off'): whether it runs on its schedule; enabled when left out"),
      }),
      answers: [json(201, 'The new job', z.object({ job: CronJobView }))],
    },
    async (c, { params, query, body }) => c.json({ job: await ops.addCronJob(deps, await instanceOf(deps, c, { params, query }, 'jobs.change'), body) }, 201),
  );
  r.patch(
    '/projects/:project/services/:service/jobs/:job',
    {
      summary: 'Change a scheduled job, or turn it off and on',
      description: 'Only the fields given change (an empty one is left as it is).',
      query: EnvQuery,
      body: z.strictObject({
        schedule: jobFields.schedule.optional(),
        command: jobFields.command.optional(),
        timeZone: jobFields.timeZone.optional(),
        timeout: jobFields.timeout.optional(),
        allowOverlap: jobFields.allowOverlap.optional(),
        enabled: z.union([onOff, z.number().int()]).optional().describe("true or false (also 'on'/'off'): whether it runs on its schedule"),
      }),
      answers: [json(200, 'The job as it is now', z.object({ job: CronJobView }))],
    },
    async (c, { params, query, body }) => c.json({ job: await ops.changeCronJob(deps, await instanceOf(deps, c, { params, query }, 'jobs.change'), params.job, body) }),
  );
  r.delete('/projects/:project/services/:service/jobs/:job', { summary: 'Remove a scheduled job; a run under way is stopped', query: EnvQuery, answers: [json(200, 'Removed', z.object({ removed: z.string() }))] }, async (c, { params, query }) => {
    await ops.removeCronJob(deps, await instanceOf(deps, c, { params, query }, 'jobs.change'), params.job);
    return c.json({ removed: params.job });
  });
  r.post(
    '/projects/:project/services/:service/jobs/:job/run',
    { summary: 'Run a scheduled job now, beside its schedule', description: 'Skipped while a run still runs, unless the job allows overlap. Follow it with GET …/runs.', query: EnvQuery, answers: [json(202, 'The run, started', z.object({ run: CronRunView }))] },
    async (c, { params, query }) => c.json({ run: await ops.runCronJobNow(deps, await instanceOf(deps, c, { params, query }, 'run'), params.job) }, 202),
  );
  r.get(
    '/projects/:project/services/:service/jobs/:job/runs',
    { summary: "A scheduled job's runs, with the end of their output", query: EnvQuery, answers: [json(200, 'The runs, newest first', z.object({ runs: z.array(CronRunView.extend({ output: z.string().optional().describe('The end of its output (stderr lines start with "! "), secrets masked') })) }))] },
    async (c, { params, query }) => c.json({ runs: await ops.cronRunsOf(deps, await instanceOf(deps, c, { params, query }, 'logs.read'), params.job) }),
  );
}
