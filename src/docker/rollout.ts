// Watches Swarm roll out one deployment: done when its tasks serve and the old ones are gone,
// failed (with the reason in words) when Swarm rolls back or the tasks never come up.
import type { DockerClient } from './client.js';
import { LogLineDecoder } from './log-frames.js';
import { type TaskView, findService, listTasks, updateService } from './swarm.js';

export type RolloutVerdict = { done: true } | { done: false; failure?: string; rollingBack?: boolean };

export interface RolloutCheck {
  deploymentId: number;
  replicas: number;
  now: number;
  /** Without an update status (a first deploy), a task counts as up once it has run this long:
   *  a process that crashes at start is `running` for a moment first. */
  minUptimeMs: number;
  /** Failed tasks of the new deployment after which a first deploy is given up. */
  maxFailures: number;
}

export interface UpdateView {
  /** Swarm's UpdateStatus.State; undefined for a service that was just created. */
  state?: string;
  message?: string;
}

const FAILED_STATES = new Set(['failed', 'rejected', 'complete', 'orphaned']);
const ROLLBACK_STATES = new Set(['rollback_started', 'rollback_paused', 'rollback_completed']);

/** Judges one look at a service. Pure. */
export function judgeRollout(update: UpdateView, tasks: TaskView[], check: RolloutCheck): RolloutVerdict {
  const mine = tasks.filter((t) => t.deployment === String(check.deploymentId));
  if (update.state && ROLLBACK_STATES.has(update.state)) return { done: false, failure: update.message ?? 'Swarm rolled the update back', rollingBack: true };
  if (update.state === 'paused') return { done: false, failure: update.message ?? 'Swarm paused the update' };
  const up = mine.filter((t) => t.state === 'running' && t.desiredState === 'running' && (update.state || check.now - t.since >= check.minUptimeMs)).length;
  const oldRunning = tasks.some((t) => t.deployment !== String(check.deploymentId) && t.state === 'running');
  const settled = update.state === undefined || update.state === 'completed';
  if (up >= check.replicas && !oldRunning && settled) return { done: true };
  if (!update.state && mine.filter((t) => FAILED_STATES.has(t.state)).length >= check.maxFailures) return { done: false, failure: 'the new tasks keep failing' };
  return { done: false };
}

/** A failure in words: what Swarm said, the exit code, the health check's output, the last lines. Pure. */
export function describeFailure(f: { summary: string; exitCode?: number; swarmError?: string; healthOutput?: string; lastLines?: string[] }): string {
  const parts = [f.summary];
  if (f.exitCode !== undefined && f.exitCode !== 0) parts.push(`exit code ${f.exitCode}`);
  if (f.healthOutput) parts.push(`health check: ${f.healthOutput.trim()}`);
  else if (f.swarmError) parts.push(f.swarmError);
  if (f.lastLines?.length) parts.push(`last output: ${f.lastLines.slice(-3).join(' | ')}`);
  return parts.join('; ');
}

export class RolloutFailed extends Error {
  constructor(message: string, readonly rolledBack: boolean) {
    super(message);
  }
}

export interface RolloutRequest {
  serviceName: string;
  deploymentId: number;
  replicas: number;
  timeoutMs: number;
  /** Whether an earlier version is running that Swarm can roll back to. */
  isUpdate: boolean;
  signal?: AbortSignal;
  /** Called once, when a task of the deployment has its container started (the health check's turn). */
  onStarted?: () => Promise<void>;
}

const STARTED_STATES = new Set(['starting', 'running']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the verdict. On failure of an update, waits for Swarm's rollback to finish so the
 *  previous version is what runs when this returns; past the window, asks Swarm to roll back. */
export async function waitForRollout(docker: DockerClient, req: RolloutRequest): Promise<void> {
  const deadline = Date.now() + req.timeoutMs;
  let started = false;
  for (;;) {
    const service = await findService(docker, req.serviceName);
    if (!service) throw new RolloutFailed('the Swarm service disappeared during the deploy', false);
    const update: UpdateView = req.isUpdate ? { state: service.UpdateStatus?.State ?? 'updating', message: service.UpdateStatus?.Message } : {};
    const tasks = await listTasks(docker, req.serviceName);
    if (!started && tasks.some((t) => t.deployment === String(req.deploymentId) && STARTED_STATES.has(t.state))) {
      started = true;
      await req.onStarted?.();
    }
    const verdict = judgeRollout(update, tasks, { deploymentId: req.deploymentId, replicas: req.replicas, now: Date.now(), minUptimeMs: 2_000, maxFailures: 2 });
    if (verdict.done) return;
    if (verdict.failure) {
      const reason = await explainFailedTask(docker, tasks, req.deploymentId, verdict.failure);
      if (verdict.rollingBack) await waitForRollbackEnd(docker, req.serviceName);
      throw new RolloutFailed(reason, !!verdict.rollingBack);
    }
    if (Date.now() > deadline) {
      const reason = await explainFailedTask(docker, tasks, req.deploymentId, `not healthy within ${Math.round(req.timeoutMs / 1000)}s`);
      if (req.isUpdate) {
        await requestRollback(docker, req.serviceName);
        await waitForRollbackEnd(docker, req.serviceName);
      }
      throw new RolloutFailed(reason, req.isUpdate);
    }
    if (req.signal?.aborted) throw new RolloutFailed('cancelled', false);
    await sleep(400);
  }
}

async function requestRollback(docker: DockerClient, name: string): Promise<void> {
  const service = await findService(docker, name);
  if (!service) return;
  await updateService(docker, service, service.Spec, { rollback: true });
}

async function waitForRollbackEnd(docker: DockerClient, name: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const state = (await findService(docker, name))?.UpdateStatus?.State;
    if (state !== 'rollback_started') return;
    await sleep(500);
  }
}

/** Adds what the newest failed task of the deployment says: Swarm's error, and, when its
 *  container is on this node, the exit code, health check output and last log lines. */
async function explainFailedTask(docker: DockerClient, tasks: TaskView[], deploymentId: number, summary: string): Promise<string> {
  const failed = tasks
    .filter((t) => t.deployment === String(deploymentId) && (FAILED_STATES.has(t.state) || t.state === 'shutdown' || t.state === 'starting'))
    .sort((a, b) => b.since - a.since)[0];
  if (!failed) return summary;
  const details: Parameters<typeof describeFailure>[0] = { summary, exitCode: failed.exitCode, swarmError: failed.error };
  if (failed.containerId) {
    try {
      const container = docker.getContainer(failed.containerId);
      const info = await container.inspect();
      // The last check that failed and said why: a check cut short by the container's stop says nothing.
      const failedCheck = (info.State?.Health?.Log ?? []).filter((h) => h.ExitCode !== 0 && h.Output?.trim()).at(-1);
      if (failedCheck) details.healthOutput = failedCheck.Output;
      const raw = (await container.logs({ stdout: true, stderr: true, tail: 5 })) as unknown as Buffer;
      const decoder = new LogLineDecoder();
      details.lastLines = [...decoder.push(raw), ...decoder.end()].filter(Boolean);
    } catch {
      // The container may be on another node or already removed; Swarm's own error remains.
    }
  }
  return describeFailure(details);
}
