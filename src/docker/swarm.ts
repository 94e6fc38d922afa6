// Applies service specs to Swarm and watches what Swarm makes of them.
import type { Readable } from 'node:stream';
import { type DockerClient, isNotFound } from './client.js';
import { LogLineDecoder } from './log-frames.js';
import { MANAGED_LABEL } from './names.js';
import type { SwarmServiceSpec } from './service-spec.js';

export class NotOwned extends Error {}

interface ServiceInfo {
  ID: string;
  Version: { Index: number };
  Spec: SwarmServiceSpec & { Labels?: Record<string, string> };
}

export async function findService(docker: DockerClient, name: string): Promise<ServiceInfo | undefined> {
  try {
    return (await docker.getService(name).inspect()) as ServiceInfo;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Creates the service, or updates it when Spur owns it; refuses to touch one it does not own. */
export async function upsertService(docker: DockerClient, spec: SwarmServiceSpec | { Name: string; Labels: Record<string, string> }): Promise<void> {
  const existing = await findService(docker, spec.Name);
  if (!existing) {
    await docker.createService(spec as object);
    return;
  }
  if (existing.Spec.Labels?.[MANAGED_LABEL] !== 'true') {
    throw new NotOwned(`a Docker service named ${spec.Name} exists and was not made by Spur; remove or rename it`);
  }
  await docker.getService(existing.ID).update({ ...spec, version: existing.Version.Index } as object);
}

/** Creates the service when absent; leaves an existing one as it is. */
export async function ensureServiceExists(docker: DockerClient, spec: { Name: string; Labels: Record<string, string> }): Promise<void> {
  if (!(await findService(docker, spec.Name))) await docker.createService(spec as object);
}

export async function removeOwnedService(docker: DockerClient, name: string): Promise<void> {
  const existing = await findService(docker, name);
  if (!existing) return;
  if (existing.Spec.Labels?.[MANAGED_LABEL] !== 'true') throw new NotOwned(`refusing to remove ${name}: not made by Spur`);
  await docker.getService(existing.ID).remove();
}

export interface TaskView {
  id: string;
  state: string;
  desiredState: string;
  deployment?: string;
  error?: string;
  exitCode?: number;
  message?: string;
  /** When the task entered its current state (ms since the epoch). */
  since: number;
}

export async function listTasks(docker: DockerClient, serviceName: string): Promise<TaskView[]> {
  const tasks = (await docker.listTasks({ filters: { service: [serviceName] } })) as any[];
  return tasks
    .filter((t) => t.Spec?.ContainerSpec)
    .map((t) => ({
      id: t.ID,
      state: t.Status?.State,
      desiredState: t.DesiredState,
      deployment: t.Spec.ContainerSpec.Labels?.['spur.deployment'],
      error: t.Status?.Err,
      exitCode: t.Status?.ContainerStatus?.ExitCode,
      message: t.Status?.Message,
      since: Date.parse(t.Status?.Timestamp ?? '') || 0,
    }));
}

export type RolloutVerdict = { done: true } | { done: false; failure?: string };

const FAILED_STATES = new Set(['failed', 'rejected', 'complete', 'orphaned']);

export interface RolloutCheck {
  deploymentId: number;
  replicas: number;
  now: number;
  /** A task counts as up once it has been running this long: a process that crashes at start
   *  is `running` for a moment first. */
  minUptimeMs: number;
}

/** Judges one look at a service's tasks for a deployment. Pure. Done when every replica of the
 *  deployment is up and no task of an earlier one still runs (so only the new version answers).
 *  Three failed tasks of the new deployment mean it is not going to start: Swarm would keep
 *  restarting it forever. */
export function judgeRollout(tasks: TaskView[], check: RolloutCheck): RolloutVerdict {
  const { deploymentId, replicas } = check;
  const mine = tasks.filter((t) => t.deployment === String(deploymentId));
  const running = mine.filter((t) => t.state === 'running' && t.desiredState === 'running' && check.now - t.since >= check.minUptimeMs).length;
  const oldRunning = tasks.some((t) => t.deployment !== String(deploymentId) && t.state === 'running');
  if (running >= replicas && !oldRunning) return { done: true };
  const failed = mine.filter((t) => FAILED_STATES.has(t.state));
  if (failed.length >= 3) {
    const last = failed[0];
    const code = last.exitCode !== undefined && last.exitCode !== 0 ? ` (exit code ${last.exitCode})` : last.state === 'complete' ? ' (the process exited)' : '';
    return { done: false, failure: `the new task failed to start${code}: ${last.error ?? last.message ?? last.state}` };
  }
  return { done: false };
}

/** Waits until every replica of the deployment runs; throws with Docker's reason otherwise. */
export const MIN_UPTIME_MS = 2_000;

export async function waitForRollout(docker: DockerClient, opts: { serviceName: string; deploymentId: number; replicas: number; timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const tasks = await listTasks(docker, opts.serviceName);
    const verdict = judgeRollout(tasks, { deploymentId: opts.deploymentId, replicas: opts.replicas, now: Date.now(), minUptimeMs: MIN_UPTIME_MS });
    if (verdict.done) return;
    if (verdict.failure) throw new Error(verdict.failure);
    if (Date.now() > deadline) throw new Error(`the new tasks were not running after ${Math.round(opts.timeoutMs / 1000)}s`);
    if (opts.signal?.aborted) throw new Error('cancelled');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Runtime log lines of a service: the last `tail` lines, then (with follow) new ones until closed. */
export async function streamServiceLogs(
  docker: DockerClient,
  opts: { serviceName: string; tail: number; follow: boolean; onLine: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  const service = docker.getService(opts.serviceName);
  const args = { stdout: true, stderr: true, follow: opts.follow, tail: opts.tail, timestamps: false };
  const decoder = new LogLineDecoder();
  const result = (await service.logs(args as any)) as unknown as Readable | Buffer;
  if (Buffer.isBuffer(result)) {
    for (const l of [...decoder.push(result), ...decoder.end()]) opts.onLine(l);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      result.destroy();
      resolve();
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    result.on('data', (chunk: Buffer) => decoder.push(chunk).forEach(opts.onLine));
    result.on('end', () => {
      decoder.end().forEach(opts.onLine);
      resolve();
    });
    result.on('error', reject);
  });
}
