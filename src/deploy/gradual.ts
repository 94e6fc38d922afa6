// A new version taking over gradually (routing/traffic-split.ts): canary (a share of the traffic,
// stepped up on a schedule or by hand) and blue-green (the whole new version beside the old, then
// one switch, the old kept ready). The new version starts as `<name>_new` and must be healthy
// before any request reaches it; while it takes traffic its tasks and its recorded error rate and
// latency against the old version's are watched, and anything wrong sends every request back to
// the old version and removes the new. At the end the instance's own service is updated to the
// new version while the split still routes, then the split and `_new` go.
//
// Traefik reads the split file and the services' labels from two providers that change at their
// own pace: the file goes first when a split starts (then the routers are pointed at it), and last
// when it ends (the routers are pointed back first), each after SETTLE_MS.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { nextServiceName } from '../docker/names.js';
import { RolloutFailed, describeFailure, lastFailedCheck, waitForRollout } from '../docker/rollout.js';
import type { SwarmServiceSpec } from '../docker/service-spec.js';
import { type RegistryAuth, type TaskView, findService, listTasks, relabelService, removeOwnedService, upsertService } from '../docker/swarm.js';
import { ENDED_BADLY, plainTaskError } from '../docker/task-problem.js';
import type { Log } from '../log.js';
import { SPLIT_FILE, routesThroughSplit, splitConfig, splitFileName, splitLabels } from '../routing/traffic-split.js';
import { newestMinutes } from '../store/metrics.js';
import { type TrafficFigures, canaryVerdict } from './canary-verdict.js';

type Say = (line: string) => Promise<void>;

const WATCH_MS = 2000;
const METRICS_EVERY_MS = 60_000;
/** A canary stepped by hand waits at most this long for the hand. */
const BY_HAND_MAX_MS = 24 * 3600_000;
/** Longer than Traefik's Swarm poll (1 s) and its providers' throttle (2 s). */
export const SETTLE_MS = 4000;

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

/** The gradual releases under way in this process, by instance ("serviceId:environmentId"). */
export class SteeringBoard {
  private readonly steering = new Map<string, { steering: Steering; name: string }>();
  open(key: string, name: string): Steering {
    const s = new Steering();
    this.steering.set(key, { steering: s, name });
    return s;
  }
  close(key: string): void {
    this.steering.delete(key);
  }
  find(key: string): Steering | undefined {
    return this.steering.get(key)?.steering;
  }
  /** The instances (Swarm service names) whose release runs now: their split is not a leftover. */
  names(): Set<string> {
    return new Set([...this.steering.values()].map((s) => s.name));
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
  /** The instance's own routing labels as they are now (domains and certificates change). */
  ownRouting: () => Promise<Record<string, string>>;
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
  settleMs?: number;
}

const notRouting = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('traefik.')));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the new version beside the old and moves the traffic over; answers the labels the
 *  instance's service keeps while it is updated, and `finish`, which ends the split. Throws, the
 *  old version serving everything again, when the new one fails. */
export async function releaseGradually(r: GradualRelease): Promise<{ labelsDuringUpdate: () => Promise<Record<string, string>>; finish: () => Promise<void> }> {
  const next = nextServiceName(r.name);
  const settle = r.settleMs ?? SETTLE_MS;
  const end = () => endSplit({ docker: r.docker, dynamicDir: r.dynamicDir, name: r.name, port: r.port, ownRouting: r.ownRouting, settleMs: settle });
  await removeOwnedService(r.docker, next).catch(() => {});
  const nextReplicas = r.strategy === 'canary' ? 1 : r.replicas;
  const nextSpec: SwarmServiceSpec = {
    ...r.spec,
    Name: next,
    // Traefik reaches it through the split file, by name: no labels of its own.
    Labels: notRouting(r.spec.Labels),
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
  const seen = new Set((await listTasks(r.docker, next)).map((t) => t.id));
  for (const [i, share] of shares.entries()) {
    const early = stopReason(r);
    if (early) {
      await (i === 0 ? removeOwnedService(r.docker, next) : end());
      throw new Error(`${r.strategy === 'canary' ? 'the canary was stopped before it took any traffic' : 'the switch did not happen'}: ${early}; the old version serves all the traffic`);
    }
    await writeSplit(r.dynamicDir, r.name, share, r.port);
    if (i === 0) {
      // The file first: the routers may only point at a split Traefik already knows.
      await sleep(settle);
      await relabelService(r.docker, r.name, splitLabels(await r.ownRouting(), r.name));
    }
    await r.say(r.strategy === 'canary' ? `${share}% of the requests go to the new version, the rest to the old` : 'Switched: every request goes to the new version; the old stays ready to switch back');
    const byHand = r.strategy === 'canary' && r.waitS === 0;
    const problem = await watch(r, seen, byHand ? BY_HAND_MAX_MS : r.waitS * 1000, byHand);
    if (problem) {
      await end();
      throw new Error(`${r.strategy === 'canary' ? `the canary was stopped at ${share}%` : 'switched back to the old version'}: ${problem}; the old version serves all the traffic again`);
    }
  }
  await r.say(r.strategy === 'canary' ? 'The canary held: updating the instance to the new version' : 'The old version is replaced now');
  return { labelsDuringUpdate: async () => splitLabels(await r.ownRouting(), r.name), finish: end };
}

const stopReason = (r: GradualRelease) => (r.signal.aborted ? `the deployment was cancelled (${String(r.signal.reason ?? 'cancelled')})` : r.steering.aborted ? `stopped by hand (${r.steering.aborted})` : undefined);

/** Waits `ms` (or, by hand, for the hand), answering what went wrong meanwhile, if anything; the
 *  recorded traffic is judged once a minute and once more before going on. */
async function watch(r: GradualRelease, seen: Set<string>, ms: number, byHand: boolean): Promise<string | undefined> {
  const startedS = Math.floor(Date.now() / 1000);
  const until = Date.now() + ms;
  let metricsAt = Date.now() + METRICS_EVERY_MS;
  const judged = async () => {
    const verdict = canaryVerdict(...(await recordedTraffic(r.db, r.name, startedS)));
    return verdict.ok ? undefined : verdict.reason;
  };
  for (;;) {
    const stop = stopReason(r);
    if (stop) return stop;
    if (r.steering.nextAsked) {
      r.steering.nextAsked = false;
      return judged();
    }
    const problem = await taskProblem(r, seen);
    if (problem) return problem;
    if (Date.now() >= metricsAt) {
      metricsAt = Date.now() + METRICS_EVERY_MS;
      const worse = await judged();
      if (worse) return worse;
    }
    if (Date.now() >= until) return byHand ? 'nobody stepped it on within a day' : judged();
    await sleep(WATCH_MS);
  }
}

/** What is wrong with the new version's tasks: one that ended badly, one replaced (a restart, a
 *  drain), or none running. A look Docker does not answer says nothing. */
async function taskProblem(r: GradualRelease, seen: Set<string>): Promise<string | undefined> {
  let tasks: TaskView[];
  try {
    if (!(await findService(r.docker, nextServiceName(r.name)))) return 'its service is gone';
    tasks = await listTasks(r.docker, nextServiceName(r.name));
  } catch {
    return undefined;
  }
  const failed = tasks.find((t) => ENDED_BADLY.has(t.state));
  if (failed) return whyItFailed(r.docker, failed);
  const running = tasks.filter((t) => t.state === 'running' && t.desiredState === 'running');
  if (running.length === 0) return 'none of its tasks runs';
  const fresh = tasks.find((t) => !seen.has(t.id));
  if (fresh) return `a task of it was replaced (${fresh.state})`;
  return undefined;
}

/** A failed task of the new version in words: its health check's answer when that is why. */
async function whyItFailed(docker: DockerClient, task: TaskView): Promise<string> {
  const log = task.containerId ? ((await docker.getContainer(task.containerId).inspect().catch(() => undefined))?.State?.Health?.Log ?? []) : [];
  const check = lastFailedCheck(log);
  if (check) return `its health check failed: ${check.trim().split('\n')[0]!.slice(0, 200)}`;
  return /unhealthy/i.test(task.error ?? '') ? 'its health check failed' : plainTaskError(task);
}

/** Both versions' newest recorded minute of traffic since `sinceS` (Traefik's figures). */
async function recordedTraffic(db: Db, name: string, sinceS: number): Promise<[TrafficFigures | undefined, TrafficFigures | undefined]> {
  const points = await newestMinutes(db, sinceS);
  const figures = (series: string): TrafficFigures | undefined => {
    const p = points.get(series);
    return p?.requests == null ? undefined : { requests: p.requests, errors5xx: p.errors_5xx ?? 0, p95: p.p95 ?? null };
  };
  return [figures(name), figures(nextServiceName(name))];
}

async function writeSplit(dir: string, name: string, percent: number, port: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, splitFileName(name));
  // JSON is YAML: Traefik's file provider reads it as such. Written whole, then renamed.
  await writeFile(`${file}.new`, JSON.stringify(splitConfig(name, percent, port), null, 2) + '\n', { mode: 0o600 });
  await rename(`${file}.new`, file);
}

/** Every request to the instance's own service again, in the order Traefik needs: the weights to
 *  the old version, the routers back, then (once Traefik has them) the file and `_new` go. Tried
 *  again a few times: a split left behind is healed at the next rollout and at Spur's start. */
export async function endSplit(s: { docker: DockerClient; dynamicDir: string; name: string; port?: number; ownRouting: () => Promise<Record<string, string>>; settleMs?: number }): Promise<void> {
  const settle = s.settleMs ?? SETTLE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      if (s.port !== undefined) await writeSplit(s.dynamicDir, s.name, 0, s.port);
      await relabelService(s.docker, s.name, await s.ownRouting());
      await sleep(settle);
      await rm(join(s.dynamicDir, splitFileName(s.name)), { force: true });
      await removeOwnedService(s.docker, nextServiceName(s.name));
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(1000 * attempt);
    }
  }
}

/** Splits no release of this process runs (a restart, a failed end): ended, and split files of
 *  instances that no longer route through one removed. Answers the instances healed. */
export async function healSplits(s: { docker: DockerClient; dynamicDir: string; running: Set<string>; ownRouting: (name: string) => Promise<Record<string, string> | undefined>; log: Log }): Promise<string[]> {
  const healed: string[] = [];
  const files = await readdir(s.dynamicDir).catch(() => [] as string[]);
  for (const file of files) {
    const name = SPLIT_FILE.exec(file)?.[1];
    if (!name || s.running.has(name)) continue;
    const service = await findService(s.docker, name);
    const own = await s.ownRouting(name);
    if (service && own && routesThroughSplit(service.Spec.Labels, name)) {
      await endSplit({ docker: s.docker, dynamicDir: s.dynamicDir, name, ownRouting: async () => own });
    } else {
      await rm(join(s.dynamicDir, file), { force: true });
      await removeOwnedService(s.docker, nextServiceName(name)).catch(() => {});
    }
    healed.push(name);
    s.log.warn('ended a traffic split no release runs any more', { service: name });
  }
  return healed;
}
