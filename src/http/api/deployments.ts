// Deployments of a service instance: deploy, roll back, promote, steer a release, run a one-off
// command, cancel, scale; the history, metrics and runtime logs; one deployment and its events.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import { getDeployment } from '../../store/deployments.js';
import * as validate from '../../validate.js';
import { deploymentEventStream, oneOffStream, runtimeLogStream } from '../streams.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { DeploymentView, EnvQuery, RequestedAnswer, json } from './schemas.js';

/** A deployment queued, or (a protected environment where the caller's role must ask) the request an admin approves. */
const Deployment = z.union([z.object({ deployment: DeploymentView }), RequestedAnswer]);

/** A whole number sent as a JSON number or as a string of digits (validate.integer takes both). */
const WholeNumber = z.union([z.number().int(), z.string()]);

const HELD = 'In a protected environment where your role must ask, the 202 answer is instead { request, message }: a request an admin approves.';

const StepView = z.object({
  name: z.string().describe('queued, fetch, build, release, rollout, health, or the end: active, failed, cancelled, superseded'),
  label: z.string(),
  state: z.enum(['done', 'running', 'failed', 'cancelled']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  seconds: z.number().nullable().describe('How long it took, or has taken so far; null for the final entry'),
});
const DeploymentWithSteps = DeploymentView.extend({ steps: z.array(StepView) });

const ScaleEvent = z.object({ at: z.string(), from: z.number().int(), to: z.number().int(), reason: z.string(), by: z.literal('autoscaler') });

const MetricsView = z.object({
  range: z.enum(['hour', 'day', 'week', '90d']),
  stepS: z.number().describe('Seconds each point covers'),
  points: z.array(
    z.object({
      at: z.string().describe("Start of the point's window"),
      cpu: z.number().describe('Cores, mean over the window'),
      cpuMax: z.number(),
      memory: z.number().describe('Bytes in use, mean, summed over tasks'),
      memoryMax: z.number(),
      memoryLimit: z.number().nullable().describe('Bytes; null when a task has no limit'),
      rx: z.number().describe('Bytes a second'),
      tx: z.number().describe('Bytes a second'),
      tasks: z.number().int(),
      restarts: z.number().int(),
      http: z
        .object({ requests: z.number(), perSecond: z.number(), errors4xx: z.number(), errors5xx: z.number(), errors5xxPerSecond: z.number(), p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() })
        .optional()
        .describe('As Traefik counted them, where it serves the service; latencies in milliseconds'),
    }),
  ),
  deployments: z.array(z.object({ id: z.number().int(), status: z.string(), at: z.string() })),
  exits: z.array(z.object({ at: z.string(), slot: z.number().int().nullable(), exitCode: z.number().int().nullable(), reason: z.string() })).describe('Tasks that ended on their own in the range, newest first'),
});

const deploymentId = (raw: string) => validate.integer('deployment id', raw, 1, Number.MAX_SAFE_INTEGER);

export function deploymentRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Deployments');
  r.post(
    '/projects/:project/services/:service/deployments',
    { summary: 'Deploy a service: build its source and roll it out', description: HELD, query: EnvQuery, answers: [json(202, 'The deployment, queued (or the request, when held)', Deployment)] },
    async (c, { params, query }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'deploy');
      const deployment = await ops.deployAsked(deps, ctx, { trigger: `api:${c.get('user').email}`, requestedBy: c.get('user').id });
      return c.json({ deployment: ops.toDeploymentView(deployment) }, 202);
    },
  );
  r.post(
    '/projects/:project/services/:service/rollback',
    {
      summary: 'Roll a service back to an earlier deployment',
      description: `Without a deployment, to the one before what serves now. ${HELD}`,
      query: EnvQuery,
      body: z.strictObject({ deployment: WholeNumber.nullable().optional().describe('The id of the deployment to roll back to, e.g. 41 (the one before what serves when left out)') }),
      bodyOptional: true,
      answers: [json(202, 'The rollback deployment, queued (or the request, when held)', Deployment)],
    },
    async (c, { params, query, body }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'rollback');
      const deployment = await ops.rollback(deps, ctx, body, { trigger: `rollback:${c.get('user').email}`, requestedBy: c.get('user').id });
      return c.json({ deployment: ops.toDeploymentView(deployment) }, 202);
    },
  );
  r.post(
    '/projects/:project/services/:service/promote',
    {
      summary: 'Promote what serves in another environment to this one (?env=): the same image, no rebuild',
      description: `It runs with this environment's variables. ${HELD}`,
      query: EnvQuery,
      body: z.strictObject({
        from: z.string().describe('The environment to promote from, e.g. staging'),
        deployment: WholeNumber.nullable().optional().describe('The id of the deployment you saw serving there: refused (409) if another serves by now'),
      }),
      answers: [json(202, 'The promotion deployment, queued (or the request, when held)', Deployment)],
    },
    async (c, { params, query, body }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'deploy');
      const deployment = await ops.promote(deps, ctx, body, { trigger: `promote:${c.get('user').email}`, requestedBy: c.get('user').id });
      return c.json({ deployment: ops.toDeploymentView(deployment) }, 202);
    },
  );
  r.post(
    '/projects/:project/services/:service/release',
    {
      summary: 'Step up a canary or blue-green release under way, or abort it',
      query: EnvQuery,
      body: z.strictObject({ action: z.enum(['next', 'abort']).describe('next: the next share of the traffic goes to the new version now; abort: every request goes back to the old version') }),
      answers: [json(200, 'Done', z.object({ action: z.enum(['next', 'abort']) }))],
    },
    async (c, { params, query, body }) => c.json(await ops.steerRelease(deps, await instanceOf(deps, c, { params, query }, 'deploy'), body)),
  );
  r.post(
    '/projects/:project/services/:service/run',
    {
      summary: 'Run a one-off command in a new container of the serving image, and stream its output',
      description:
        'Server-sent events: `output` ({ stream: "stdout" | "stderr", line }) as the command prints, then `exit` ({ code }); or `problem` (a line of text) when it could not run or ran past its timeout and was stopped. Closing the connection stops the command. Secrets are masked in the output.',
      query: EnvQuery,
      body: z.strictObject({
        command: z.union([z.array(z.string()), z.string()]).describe('The command as a list of words, e.g. ["node", "migrate.js"] (never through a shell), or one line split into words as a shell would, without running one'),
        timeout: WholeNumber.nullable().optional().describe('Seconds before the command is stopped: 1 to 86400 (3600 when left out)'),
      }),
      answers: [{ status: 200, description: 'The output, then the exit code', type: 'sse' }],
    },
    async (c, { params, query, body }) => {
      const run = await ops.prepareRun(deps, await instanceOf(deps, c, { params, query }, 'run'), body);
      return oneOffStream(c, deps, run, c.get('user').id);
    },
  );
  r.post(
    '/projects/:project/services/:service/cancel',
    { summary: "Cancel a service's deployments that are queued or under way", query: EnvQuery, answers: [json(200, 'The deployments cancelled', z.object({ cancelled: z.array(z.number().int()).describe('Their ids; empty when nothing was under way') }))] },
    async (c, { params, query }) => c.json({ cancelled: await ops.cancel(deps, await instanceOf(deps, c, { params, query }, 'cancel')) }),
  );
  r.post(
    '/projects/:project/services/:service/scale',
    {
      summary: "Set a service's replica count, applied at once to a running service",
      query: EnvQuery,
      body: z.strictObject({ replicas: WholeNumber.describe('How many replicas: 0 to 50, e.g. 3') }),
      answers: [json(200, 'The replica count', z.object({ replicas: z.number().int(), applied: z.boolean().describe('false when nothing runs yet: it takes effect with the first deploy') }))],
    },
    async (c, { params, query, body }) => c.json(await ops.scale(deps, await instanceOf(deps, c, { params, query }, 'service.change'), body)),
  );
  r.get(
    '/projects/:project/services/:service/deployments',
    {
      summary: "A service's deployments, newest first, with the autoscaler's changes of its replicas",
      query: EnvQuery,
      answers: [json(200, 'The deployments', z.object({ deployments: z.array(DeploymentView), scaling: z.array(ScaleEvent).describe("The autoscaler's changes, newest first") }))],
    },
    async (c, { params, query }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'project.read');
      return c.json({ deployments: (await ops.deploymentsOf(deps, ctx)).map(ops.toDeploymentView), scaling: await ops.scaleEventsOf(deps, ctx) });
    },
  );
  r.get(
    '/projects/:project/services/:service/metrics',
    {
      summary: "A service's metrics over a range, with its deployments and its tasks' exits in that range",
      query: EnvQuery.extend({ range: z.string().optional().describe('hour, day, week or 90d (hour when left out)') }),
      answers: [json(200, 'The metrics', MetricsView)],
    },
    async (c, { params, query }) => c.json(await ops.serviceMetrics(deps, await instanceOf(deps, c, { params, query }, 'project.read'), query.range)),
  );
  r.get(
    '/projects/:project/services/:service/logs',
    {
      summary: "A service's runtime logs, as a stream",
      description: 'Server-sent events: `line` ({ line }, with its time and task; secrets masked), `problem` (a line of text), then `done`.',
      query: EnvQuery.extend({
        tail: z.string().optional().describe('How many recent lines to send first, over all tasks: 0 to 10000 (100 when left out)'),
        follow: z.string().optional().describe('1 to keep the stream open and send new lines as they come'),
        all: z.string().optional().describe("1 for every task Swarm still knows (old and crashed ones too), not only the serving version's"),
      }),
      answers: [{ status: 200, description: 'The log lines', type: 'sse' }],
    },
    async (c, { params, query }) => {
      const tail = validate.optional(query.tail, (v) => validate.integer('tail', v, 0, 10_000)) ?? 100;
      return runtimeLogStream(c, deps, await instanceOf(deps, c, { params, query }, 'logs.read'), {
        userId: c.get('user').id,
        follow: query.follow === '1',
        all: query.all === '1',
        tail,
        render: (line) => ({ event: 'line', data: JSON.stringify({ line }) }),
      });
    },
  );

  r.get('/deployments/:id', { summary: 'A deployment, with its steps', answers: [json(200, 'The deployment', z.object({ deployment: DeploymentWithSteps }))] }, async (c, { params }) =>
    c.json({ deployment: await ops.deploymentWithSteps(deps, (await ops.deploymentFor(deps, c.get('user'), deploymentId(params.id), 'project.read')).deployment) }),
  );
  r.get(
    '/deployments/:id/events',
    {
      summary: "A deployment's build log and status, as a stream until it finishes",
      description:
        'Server-sent events: the stored log replayed, then live: `line` ({ line }, with an event id), `status` ({ status, reason }), `deployment` (the whole record with its steps, as GET /deployments/{id} answers) after each status and whenever the record changes (commit, image, a step), and `done` when the deployment has finished. Send Last-Event-ID (or ?after=) to resume after a line.',
      query: z.object({ after: z.string().optional().describe('Replay only the lines after this event id (as the Last-Event-ID header does)') }),
      answers: [{ status: 200, description: 'The events', type: 'sse' }],
    },
    async (c, { params }) => {
      const { deployment } = await ops.deploymentFor(deps, c.get('user'), deploymentId(params.id), 'logs.read');
      return deploymentEventStream(c, deps, deployment.id, async (e) => {
        if (e.type === 'line') return [{ event: 'line', id: String(e.id), data: JSON.stringify({ line: e.line }) }];
        // Besides the status, the whole record (commit, image, steps) as it is now.
        const record = { event: 'deployment', data: JSON.stringify(await ops.deploymentWithSteps(deps, await getDeployment(deps.db, deployment.id))) };
        return e.type === 'status' ? [{ event: 'status', data: JSON.stringify({ status: e.status, reason: e.reason ?? null }) }, record] : [record];
      });
    },
  );
}
