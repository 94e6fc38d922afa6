// Server-Sent Event streams shared by pages and API: a deployment's build log and status, and a
// service's runtime logs. Callers choose how each event is rendered (HTML or JSON).
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../deps.js';
import type { DeploymentEvent } from '../deploy/log-bus.js';
import { makeRedactor, secretValues } from '../deploy/redact.js';
import { swarmServiceName } from '../docker/names.js';
import { streamServiceLogs } from '../docker/swarm.js';
import type { InstanceContext } from '../store/services.js';
import { listDeployments } from '../store/deployments.js';
import { readVariables } from '../store/variables.js';
import { unseal } from '../secrets.js';
import { requireEngine } from './operations.js';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Replays the stored log, then follows live until the deployment finishes; ends with a `done` event. */
export function deploymentEventStream(c: Context, deps: Deps, deploymentId: number, render: (e: DeploymentEvent) => SseEvent[]) {
  const afterId = Number(c.req.header('Last-Event-ID') ?? c.req.query('after') ?? 0) || 0;
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    const writes: Promise<void>[] = [];
    await deps.logBus.follow(deploymentId, { afterId, signal: abort.signal, onEvent: (e) => render(e).forEach((ev) => writes.push(stream.writeSSE(ev))) });
    await Promise.all(writes);
    await stream.writeSSE({ event: 'done', data: 'done' });
  });
}

export const RUNTIME_LOG_STREAMS_PER_USER = 10;

/** Values to mask in runtime logs: today's, and the ones recent deployments ran with, since their
 *  tasks (and the lines they printed) outlive a change of variables until the next deploy. */
async function runtimeSecrets(deps: Deps, ctx: InstanceContext): Promise<string[]> {
  const scope = { serviceId: ctx.service.id, environmentId: ctx.environment.id };
  const values = secretValues(await readVariables(deps.db, deps.key, scope));
  for (const d of await listDeployments(deps.db, scope, 10)) {
    if (d.variables_sealed) values.push(...secretValues(JSON.parse(unseal(deps.key, d.variables_sealed)) as Record<string, string>));
  }
  return values;
}

/** Recent runtime log lines of an instance, then (with follow) new ones, with secrets masked. */
export async function runtimeLogStream(c: Context, deps: Deps, ctx: InstanceContext, opts: { userId: number; follow: boolean; tail: number; render: (line: string) => SseEvent }) {
  requireEngine(deps);
  const redact = makeRedactor(await runtimeSecrets(deps, ctx));
  const serviceName = swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name });
  const release = deps.streamSlots.take(opts.userId);
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => {
      abort.abort();
      release();
    });
    const writes: Promise<void>[] = [];
    try {
      await streamServiceLogs(deps.docker, { serviceName, tail: opts.tail, follow: opts.follow, signal: abort.signal, onLine: (l) => void writes.push(stream.writeSSE(opts.render(redact(l)))) });
    } catch (err) {
      const message = (err as { statusCode?: number }).statusCode === 404 ? 'this service has not been deployed yet' : (err as Error).message;
      writes.push(stream.writeSSE({ event: 'problem', data: message }));
    }
    await Promise.all(writes);
    await stream.writeSSE({ event: 'done', data: 'done' });
    release();
  });
}
