// A new version taking over gradually (routing/traffic-split.ts): canary (a share of the traffic,
// stepped up on a schedule or by hand) and blue-green (the whole new version beside the old, then
// one switch, the old kept ready). The new version starts as `<name>_next` and must be healthy
// before any request reaches it; while it takes traffic its tasks and (once a minute) its error
// rate and latency against the old version's are watched, and anything wrong sends every request
// back to the old version and removes the new. At the end the instance's own service is updated
// to the new version while the split still routes, then the split and `_next` go.
import { rm, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { RolloutFailed, describeFailure, lastFailedCheck, waitForRollout } from '../docker/rollout.js';
import type { SwarmServiceSpec } from '../docker/service-spec.js';
import { type RegistryAuth, type TaskView, listTasks, relabelService, removeOwnedService, upsertService } from '../docker/swarm.js';
import { ENDED_BADLY, plainTaskError } from '../docker/task-problem.js';
import { nextServiceName, nextVersionLabels, splitConfig, splitFileName, splitLabels } from '../routing/traffic-split.js';
import { newestMinutes } from '../store/metrics.js';
import { type TrafficFigures, canaryVerdict } from './canary-verdict.js';

type Say = (line: string) => Promise<void>;

const WATCH_MS = 2000;
const METRICS_EVERY_MS = 60_000;
/** A canary stepped by hand waits at most this long for the hand. */
const BY_HAND_MAX_MS = 24 * 3600_000;

/** The hand on a gradual release: step up now, or send everything back to the old version. */
export class Steering {
  nextAsked = false;
  aborted: string | undefined;
  next(): void {
    this.nextAsked = true;
  }
  abort(reason: string): void {
    this.aborted = reason;
  }
}

/** The gradual releases under way, by instance ("serviceId:environmentId"). */
export class SteeringBoard {
  private readonly steering = new Map<string, Steering>();
  open(key: string): Steering {
    const s = new Steering();
    this.steering.set(key, s);
    return s;
  }
  close(key: string): void {
    this.steering.delete(key);
  }
  find(key: string): Steering | undefined {
    return this.steering.get(key);
  }
}

export interface GradualRelease {
  docker: DockerClient;
  db: Db;
  /** Traefik's dynamic directory (its file provider watches it). */
  dynamicDir: string;
  name: string;
  /** The instance's service spec for the new version, with its own routing labels. */
  spec: SwarmServiceSpec;
  auth?: RegistryAuth;
  deploymentId: number;
  strategy: 'canary' | 'blue-green';
  replicas: number;
  port: number;
  /** Canary: the shares in percent; blue-green: ignored (all at once). */
  steps: number[];
  /** Canary: seconds at each share (0: by hand); blue-green: seconds the old stays ready. */
  waitS: number;
  rolloutTimeoutMs: number;
  healthChecked: boolean;
  say: Say;
  signal: AbortSignal;
  steering: Steering;
}

const routing = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('traefik.')));
const notRouting = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('traefik.')));

/** Starts the new version beside the old and moves the traffic over; answers the labels the
 *  instance's service keeps while it is updated, and `finish`, which ends the split. Throws, the
 *  old version serving everything again, when the new one fails. */
export async function releaseGradually(r: GradualRelease): Promise<{ labelsDuringUpdate: Record<string, string>; finish: () => Promise<void> }> {
  const next = nextServiceName(r.name);
  const own = routing(r.spec.Labels);
  const end = () => endSplit(r.docker, r.dynamicDir, r.name, own);
  await removeOwnedService(r.docker, next).catch(() => {});
  const nextReplicas = r.strategy === 'canary' ? 1 : r.replicas;
  const nextSpec: SwarmServiceSpec = {
    ...r.spec,
    Name: next,
    Labels: { ...notRouting(r.spec.Labels), ...nextVersionLabels(r.name, r.port) },
    Mode: { Replicated: { Replicas: nextReplicas } },
    // No alias: the other services reach the instance by name, and that stays the old version.
    TaskTemplate: { ...r.spec.TaskTemplate, Networks: r.spec.TaskTemplate.Networks.map((n) => ({ Target: n.Target })) },
  };
  await r.say(`Starting the new version beside the old as ${next} (${nextReplicas} task${nextReplicas === 1 ? '' : 's'}); no request reaches it until it is healthy`);
  await upsertService(r.docker, nextSpec, r.auth);
  try {
    await waitForRollout(r.docker, { serviceName: next, deploymentId: r.deploymentId, replicas: nextReplicas, timeoutMs: r.rolloutTimeoutMs, isUpdate: false, healthChecked: r.healthChecked });
  } catch (err) {
    await removeOwnedService(r.docker, next).catch(() => {});
    const why = err instanceof RolloutFailed ? describeFailure(err.facts, {}) : (err as Error).message;
    throw new Error(`the new version did not start healthy beside the old: ${why}; the old version keeps serving all the traffic`);
  }
  const shares = r.strategy === 'canary' ? r.steps : [100];
  const startedAt = Date.now();
  for (const [i, share] of shares.entries()) {
    await writeSplit(r.dynamicDir, r.name, share);
    if (i === 0) await relabelService(r.docker, r.name, splitLabels(own, r.name));
    await r.say(r.strategy === 'canary' ? `${share}% of the requests go to the new version, the rest to the old` : 'Switched: every request goes to the new version; the old stays ready to switch back');
    const problem = await watch(r, startedAt, r.strategy === 'canary' ? (r.waitS === 0 ? BY_HAND_MAX_MS : r.waitS * 1000) : r.waitS * 1000, r.strategy === 'canary' && r.waitS === 0);
    if (problem) {
      await end();
      throw new Error(`${r.strategy === 'canary' ? `the canary was stopped at ${share}%` : 'switched back to the old version'}: ${problem}; the old version serves all the traffic again`);
    }
  }
  await r.say(r.strategy === 'canary' ? 'The canary held: updating the instance to the new version' : `The old version is replaced now`);
  return { labelsDuringUpdate: splitLabels(own, r.name), finish: end };
}

/** Waits `ms` (or, by hand, for the hand), answering what went wrong meanwhile, if anything. */
async function watch(r: GradualRelease, startedAt: number, ms: number, byHand: boolean): Promise<string | undefined> {
  const until = Date.now() + ms;
  let metricsAt = Date.now() + METRICS_EVERY_MS;
  r.steering.nextAsked = false;
  for (;;) {
    if (r.signal.aborted) return `the deployment was cancelled (${String(r.signal.reason ?? 'cancelled')})`;
    if (r.steering.aborted) return `stopped by hand (${r.steering.aborted})`;
    if (r.steering.nextAsked) return undefined;
    const failed = (await listTasks(r.docker, nextServiceName(r.name)).catch(() => [])).find((t) => ENDED_BADLY.has(t.state) && t.since >= startedAt);
    if (failed) return whyItFailed(r.docker, failed);
    if (Date.now() >= metricsAt) {
      metricsAt = Date.now() + METRICS_EVERY_MS;
      const verdict = canaryVerdict(...(await recordedTraffic(r.db, r.name)));
      if (!verdict.ok) return verdict.reason;
    }
    if (!byHand && Date.now() >= until) return undefined;
    if (byHand && Date.now() >= until) return 'nobody stepped it on within a day';
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
  }
}

/** A failed task of the new version in words: its health check's answer when that is why. */
async function whyItFailed(docker: DockerClient, task: TaskView): Promise<string> {
  const log = task.containerId ? ((await docker.getContainer(task.containerId).inspect().catch(() => undefined))?.State?.Health?.Log ?? []) : [];
  const check = lastFailedCheck(log);
  if (check) return `its health check failed: ${check.trim().split('\n')[0]!.slice(0, 200)}`;
  return /unhealthy/i.test(task.error ?? '') ? 'its health check failed' : plainTaskError(task);
}

/** Both versions' newest recorded minute of traffic (Traefik's figures). */
async function recordedTraffic(db: Db, name: string): Promise<[TrafficFigures | undefined, TrafficFigures | undefined]> {
  const points = await newestMinutes(db, Math.floor(Date.now() / 1000) - 180);
  const figures = (series: string): TrafficFigures | undefined => {
    const p = points.get(series);
    return p?.requests == null ? undefined : { requests: p.requests, errors5xx: p.errors_5xx ?? 0, p95: p.p95 ?? null };
  };
  return [figures(name), figures(nextServiceName(name))];
}

async function writeSplit(dir: string, name: string, percent: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, splitFileName(name));
  // JSON is YAML: Traefik's file provider reads it as such. Written whole, then renamed.
  await writeFile(`${file}.new`, JSON.stringify(splitConfig(name, percent), null, 2) + '\n', { mode: 0o600 });
  await rename(`${file}.new`, file);
}

/** Every request to the instance's own service again; the split and the new version's service go. */
export async function endSplit(docker: DockerClient, dir: string, name: string, ownRouting: Record<string, string>): Promise<void> {
  await relabelService(docker, name, ownRouting);
  await rm(join(dir, splitFileName(name)), { force: true });
  await removeOwnedService(docker, nextServiceName(name)).catch(() => {});
}
