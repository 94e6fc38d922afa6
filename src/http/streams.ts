// Server-Sent Event streams shared by pages and API: a deployment's build log and status, and a
// service's runtime logs. Callers choose how each event is rendered (HTML or JSON).
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../deps.js';
import type { DeploymentEvent } from '../deploy/log-bus.js';
import { makeRedactor, secretValues } from '../variables/redact.js';
import { swarmServiceName } from '../docker/names.js';
import { listTasks } from '../docker/swarm.js';
import { type TaskRef, formatTaskLine, streamTaskLogs } from '../docker/task-logs.js';
import type { InstanceContext } from '../store/services.js';
import { findActiveDeployment, listDeployments } from '../store/deployments.js';
import { readVariables } from '../store/variables.js';
import { unseal } from '../secrets.js';
import { requireDaemon } from '../actions/common.js';
import type { PreparedRun } from '../actions/run.js';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Replays the stored log, then follows live until the deployment finishes; ends with a `done`
 *  event. Events are written in the order they came, also when rendering one reads the database. */
export function deploymentEventStream(c: Context, deps: Deps, deploymentId: number, render: (e: DeploymentEvent) => SseEvent[] | Promise<SseEvent[]>) {
  const afterId = Number(c.req.header('Last-Event-ID') ?? c.req.query('after') ?? 0) || 0;
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    let writes = Promise.resolve();
    const write = (e: DeploymentEvent) => {
      const rendered = render(e);
      writes = writes.then(async () => {
        for (const ev of await rendered) await stream.writeSSE(ev);
      });
    };
    await deps.logBus.follow(deploymentId, { afterId, signal: abort.signal, onEvent: write });
    await writes;
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

/** Recent runtime log lines of an instance, then (with follow) new ones, with secrets masked:
 *  the tasks of the version that serves (with `all`, every task Swarm still knows, old and
 *  crashed ones too), merged in time order, each line with its time and task; `tail` counts
 *  lines over all of them. */
export async function runtimeLogStream(c: Context, deps: Deps, ctx: InstanceContext, opts: { userId: number; follow: boolean; tail: number; all?: boolean; render: (line: string) => SseEvent }) {
  requireDaemon(deps);
  const redact = makeRedactor(await runtimeSecrets(deps, ctx));
  const tasks = await tasksToShow(deps, ctx, !!opts.all);
  const release = deps.streamSlots.take(opts.userId);
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => {
      abort.abort();
      release();
    });
    const writes: Promise<void>[] = [];
    if (tasks.length === 0) writes.push(stream.writeSSE({ event: 'problem', data: 'no task of this service is running; see spur status' }));
    try {
      await streamTaskLogs(deps.docker, { tasks, tail: opts.tail, follow: opts.follow, signal: abort.signal, onLine: (l) => void writes.push(stream.writeSSE(opts.render(redact(formatTaskLine(l))))) });
    } catch (err) {
      writes.push(stream.writeSSE({ event: 'problem', data: (err as Error).message }));
    }
    await Promise.all(writes);
    await stream.writeSSE({ event: 'done', data: 'done' });
    release();
  });
}

/** The last `tail` runtime log lines, as the stream's backlog shows them (for a download). */
export async function runtimeLogLines(deps: Deps, ctx: InstanceContext, tail: number): Promise<string[]> {
  requireDaemon(deps);
  const redact = makeRedactor(await runtimeSecrets(deps, ctx));
  const lines: string[] = [];
  await streamTaskLogs(deps.docker, { tasks: await tasksToShow(deps, ctx, false), tail, follow: false, onLine: (l) => lines.push(redact(formatTaskLine(l))) });
  return lines;
}

/** The running tasks of the deployment that serves (of any deployment if none is recorded as
 *  serving); with `all`, every task. */
async function tasksToShow(deps: Deps, ctx: InstanceContext, all: boolean): Promise<TaskRef[]> {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  const tasks = await listTasks(deps.docker, swarmServiceName(ref));
  const active = await findActiveDeployment(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  const running = tasks.filter((t) => t.desiredState === 'running' && t.state === 'running');
  const serving = running.filter((t) => t.deployment === String(active?.id));
  const chosen = all ? tasks : serving.length ? serving : running;
  // With every task, each name says its version (deployment) and, unless running, its state.
  return chosen.map((t) => ({ id: t.id, name: `${ctx.service.name}.${t.slot ?? '?'}${all ? `#${t.deployment ?? '?'}${t.state !== 'running' ? ` (${t.state})` : ''}` : ''}` }));
}

/** A one-off command's output as it comes (`output` events: its stream and line), then `exit`
 *  with its code, or `problem` when it was stopped; a closed connection stops the command. */
export function oneOffStream(c: Context, deps: Deps, run: PreparedRun, userId: number) {
  const release = deps.streamSlots.take(userId);
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    try {
      const end = await run.start({ signal: abort.signal, onLine: (s, line) => stream.writeSSE({ event: 'output', data: JSON.stringify({ stream: s, line }) }) });
      if ('code' in end) await stream.writeSSE({ event: 'exit', data: JSON.stringify({ code: end.code }) });
      else if (end.stopped === 'timeout') await stream.writeSSE({ event: 'problem', data: `the command ran longer than ${run.timeoutS} s and was stopped` });
    } catch (err) {
      await stream.writeSSE({ event: 'problem', data: (err as Error).message }).catch(() => {});
    } finally {
      release();
    }
  });
}

export const EVENT_STREAM_POLL_MS = 1000;

/** A project's events as they are recorded: those after `after` first, then each new one, polled
 *  each second (`read` checks the caller's access each time, so a member removed stops hearing).
 *  Each is an `event` whose id is the event's, so a client that reconnects with Last-Event-ID
 *  misses none. */
export function projectEventStream(c: Context, deps: Deps, userId: number, after: number, read: (after: number) => Promise<{ id: number }[]>) {
  const release = deps.streamSlots.take(userId);
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    let last = after;
    try {
      while (open) {
        for (const e of await read(last)) {
          await stream.writeSSE({ event: 'event', id: String(e.id), data: JSON.stringify(e) });
          last = e.id;
        }
        await stream.sleep(EVENT_STREAM_POLL_MS);
      }
    } catch (err) {
      if (open) await stream.writeSSE({ event: 'problem', data: (err as Error).message }).catch(() => undefined);
    } finally {
      release();
    }
  });
}
