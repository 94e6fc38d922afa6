// Watches Swarm roll out one deployment: done when its tasks serve and the old ones are gone,
// failed (with the reason in words) when Swarm rolls back or the tasks never come up.
import type { DockerClient } from './client.js';
import { LogLineDecoder } from './log-frames.js';
import { parseStamped } from './task-logs.js';
import { plainTaskError } from './task-problem.js';
import { UPDATE_MONITOR_MS } from './service-spec.js';
import { swarmLooks } from './swarm-looks.js';
import { type TaskView, findService, updateService } from './swarm.js';

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
  // An old task Swarm has told to stop is out of the service's name and no longer counts: its
  // container may take its stop grace period to exit (Node as PID 1 ignores SIGTERM).
  const oldRunning = tasks.some((t) => t.deployment !== String(check.deploymentId) && t.state === 'running' && t.desiredState === 'running');
  const settled = update.state === undefined || update.state === 'completed';
  if (up >= check.replicas && !oldRunning && settled) return { done: true };
  if (!update.state && mine.filter((t) => FAILED_STATES.has(t.state)).length >= check.maxFailures) return { done: false, failure: 'the new tasks keep failing' };
  return { done: false };
}

/** What is known of a failed rollout: Swarm's verdict, and what the newest failed task says. */
export interface FailureFacts {
  /** Swarm's verdict (its wording is not shown, only "not healthy within N s" is). */
  cause: string;
  exitCode?: number;
  swarmError?: string;
  healthOutput?: string;
  /** The app's last lines, oldest first. */
  lastLines?: string[];
  /** How long its container ran before it stopped. */
  ranMs?: number;
}

const RIGHT_AFTER_START_MS = 10_000;
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A failure as a person says it: what the app did (exit code, when, its last lines in order),
 *  or its health check's answer, or Docker's error in plain words; then what keeps serving. Pure. */
export function describeFailure(f: FailureFacts, after: { keepsServing?: number }): string {
  const lines = (f.lastLines ?? []).slice(-3).map((l) => l.trim().slice(0, 200)).filter(Boolean);
  const output = lines.length ? `: ${lines.join(' / ')}` : '';
  const when = f.ranMs === undefined || f.ranMs < RIGHT_AFTER_START_MS ? 'right after starting' : `after running ${Math.round(f.ranMs / 1000)} s`;
  let what: string;
  if (f.healthOutput?.trim()) what = `The new version failed its health check: ${f.healthOutput.trim()}`;
  else if (/unhealthy/i.test(f.swarmError ?? '')) what = 'The new version failed its health check';
  else if (f.exitCode !== undefined && f.exitCode !== 0) what = f.exitCode === 137 ? `Your app was stopped with code 137 (out of memory, or killed) ${when}${output}` : `Your app exited with code ${f.exitCode} ${when}${output}`;
  else if (f.swarmError && !/non-zero exit/.test(f.swarmError)) what = sentence(plainTaskError({ error: f.swarmError }));
  else if (f.exitCode === 0 && f.swarmError !== undefined) what = `Your app stopped by itself (exit code 0) ${when}${output}`;
  else what = /^not healthy within/.test(f.cause) ? `The new version was ${f.cause}` : 'The new version kept failing to start';
  return `${what}. ${after.keepsServing ? `#${after.keepsServing} keeps serving.` : 'Nothing serves yet.'}`;
}

export class RolloutFailed extends Error {
  constructor(readonly facts: FailureFacts, readonly rolledBack: boolean) {
    super(describeFailure(facts, {}));
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
  /** Called once, when a task of the deployment runs (with a health check: is healthy). */
  onRunning?: () => void;
  /** The tasks have a health check: running means the app answered it. */
  healthChecked?: boolean;
}

const STARTED_STATES = new Set(['starting', 'running']);

/** How long a first deploy's task must have run to count (an update has Swarm's watch instead):
 *  with a health check it has answered, and is watched as long as Swarm watches an update; without
 *  one, a process that crashes at start is `running` for a moment first. */
export const firstDeployUptimeMs = (healthChecked?: boolean) => (healthChecked ? UPDATE_MONITOR_MS : 2_000);

/** How often the services under rollout are looked at: two Engine API calls for all of them. */
const POLL_MS = 150;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the verdict. On failure of an update, waits for Swarm's rollback to finish so the
 *  previous version is what runs when this returns; past the window, asks Swarm to roll back. */
export async function waitForRollout(docker: DockerClient, req: RolloutRequest): Promise<void> {
  const deadline = Date.now() + req.timeoutMs;
  let started = false;
  let running = false;
  const looks = swarmLooks(docker, POLL_MS);
  for (;;) {
    // A look that fails (the daemon busy or restarting) is tried again until the window ends.
    const look = await looks.next(req.serviceName).catch((err: Error) => {
      if (Date.now() > deadline) throw err;
      return undefined;
    });
    if (!look) {
      await sleep(POLL_MS);
      continue;
    }
    const { service, tasks } = look;
    if (!service) throw new RolloutFailed({ cause: 'the service disappeared during the deploy' }, false);
    const update: UpdateView = req.isUpdate ? { state: service.UpdateStatus?.State ?? 'updating', message: service.UpdateStatus?.Message } : {};
    if (!started && tasks.some((t) => t.deployment === String(req.deploymentId) && STARTED_STATES.has(t.state))) {
      started = true;
      await req.onStarted?.();
    }
    if (!running && tasks.some((t) => t.deployment === String(req.deploymentId) && t.state === 'running')) {
      running = true;
      req.onRunning?.();
    }
    const verdict = judgeRollout(update, tasks, { deploymentId: req.deploymentId, replicas: req.replicas, now: Date.now(), minUptimeMs: firstDeployUptimeMs(req.healthChecked), maxFailures: 2 });
    if (verdict.done) return;
    if (verdict.failure) {
      const facts = await explainFailedTask(docker, tasks, req.deploymentId, verdict.failure);
      if (verdict.rollingBack) await waitForRollbackEnd(docker, req.serviceName);
      throw new RolloutFailed(facts, !!verdict.rollingBack);
    }
    if (Date.now() > deadline) {
      const facts = await explainFailedTask(docker, tasks, req.deploymentId, `not healthy within ${Math.round(req.timeoutMs / 1000)} s`);
      if (req.isUpdate) {
        await requestRollback(docker, req.serviceName);
        await waitForRollbackEnd(docker, req.serviceName);
      }
      throw new RolloutFailed(facts, req.isUpdate);
    }
    if (req.signal?.aborted) throw new RolloutFailed({ cause: 'cancelled' }, false);
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

/** What the newest failed task of the deployment says: Swarm's error, and, when its container is
 *  on this node, the exit code, how long it ran, the health check's output and its last lines. */
async function explainFailedTask(docker: DockerClient, tasks: TaskView[], deploymentId: number, cause: string): Promise<FailureFacts> {
  const candidates = tasks
    .filter((t) => t.deployment === String(deploymentId) && (FAILED_STATES.has(t.state) || t.state === 'shutdown' || t.state === 'starting'))
    .sort((a, b) => b.since - a.since);
  // The newest task that ended and says why; a task Swarm started after it knows nothing yet.
  const failed = candidates.find((t) => FAILED_STATES.has(t.state) && (t.error || t.exitCode)) ?? candidates[0];
  if (!failed) return { cause };
  const facts: FailureFacts = { cause, exitCode: failed.exitCode, swarmError: failed.error };
  if (failed.containerId) {
    try {
      const container = docker.getContainer(failed.containerId);
      const info = await container.inspect();
      const failedCheck = lastFailedCheck(info.State?.Health?.Log ?? []);
      if (failedCheck) facts.healthOutput = failedCheck;
      const [started, finished] = [Date.parse(info.State?.StartedAt ?? ''), Date.parse(info.State?.FinishedAt ?? '')];
      if (started > 0 && finished >= started) facts.ranMs = finished - started;
      const raw = (await container.logs({ stdout: true, stderr: true, tail: 5, timestamps: true })) as unknown as Buffer;
      const decoder = new LogLineDecoder();
      facts.lastLines = inOrder([...decoder.push(raw), ...decoder.end()]);
    } catch {
      // The container may be on another node or already removed; Swarm's own error remains.
    }
  }
  return facts;
}

/** What the last check that ran and failed said. A check cut short by the container's stop says
 *  nothing; one Docker could not start in a container that had just exited (exit code -1, "OCI
 *  runtime exec failed") says nothing of the app. Pure. */
export function lastFailedCheck(log: { ExitCode: number; Output?: string }[]): string | undefined {
  const couldNotStart = (h: { ExitCode: number; Output?: string }) => h.ExitCode < 0 && /exec failed|is not running|no such container/i.test(h.Output ?? '');
  return log.filter((h) => h.ExitCode !== 0 && h.Output?.trim() && !couldNotStart(h)).at(-1)?.Output;
}

/** Lines stamped by Docker, in the order they were written (stdout and stderr are read apart),
 *  their stamps taken off. Pure. */
export function inOrder(stamped: string[]): string[] {
  return stamped
    .filter(Boolean)
    .map((line) => parseStamped(line, ''))
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
    .map((l) => l.text);
}
