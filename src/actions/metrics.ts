// A service's metrics for a chart: its points over a range from the finest tier that covers it
// (src/metrics/tiers.ts), the minute in progress, its deployments in that range as markers, and
// its tasks' exits with their reasons.
import type { Deps } from '../deps.js';
import { swarmServiceName } from '../docker/names.js';
import { RANGES, tierFor } from '../metrics/tiers.js';
import { deploymentsSince } from '../store/deployments.js';
import { exitsSince, readPoints, type MetricPoint } from '../store/metrics.js';
import type { InstanceContext } from '../store/services.js';
import * as validate from '../validate.js';
import { scopeOf } from './common.js';

export interface MetricPointView {
  /** Start of the point's window. */
  at: string;
  /** Cores: the window's mean, and its highest sample. */
  cpu: number;
  cpuMax: number;
  /** Bytes in use (without page cache the kernel drops at once), mean and highest, summed over tasks. */
  memory: number;
  memoryMax: number;
  /** Bytes; null when a task has no limit. */
  memoryLimit: number | null;
  /** Bytes a second. */
  rx: number;
  tx: number;
  /** Tasks running (the most at once in the window). */
  tasks: number;
  /** Tasks that ended on their own in the window (Swarm started others in their place). */
  restarts: number;
  /** As Traefik counted them, where it serves the service: requests in the point's window (and a
   *  second), those answered 4xx and 5xx, and latency quantiles in milliseconds. */
  http?: { requests: number; perSecond: number; errors4xx: number; errors5xx: number; errors5xxPerSecond: number; p50: number | null; p95: number | null; p99: number | null };
  /** A server's: bytes used and the size of the disk Docker keeps its data on, and its 1-minute load average. */
  disk?: number;
  diskSize?: number;
  load?: number;
}

export interface MetricsView {
  range: validate.MetricRange;
  /** Seconds each point covers. */
  stepS: number;
  points: MetricPointView[];
  deployments: { id: number; status: string; at: string }[];
  /** Tasks that ended on their own in the range, newest first, with why (none for a server). */
  exits: { at: string; slot: number | null; exitCode: number | null; reason: string }[];
}

const ms = (us: number | null | undefined) => (us == null ? null : us / 1000);
const perSecond = (count: number, stepS: number) => Math.round((count / stepS) * 1000) / 1000;

const toView = (stepS: number) => (p: MetricPoint): MetricPointView => ({
  at: new Date(p.at * 1000).toISOString(),
  cpu: p.cpu / 1000,
  cpuMax: p.cpu_max / 1000,
  memory: p.memory,
  memoryMax: p.memory_max,
  memoryLimit: p.memory_limit,
  rx: p.rx,
  tx: p.tx,
  tasks: p.tasks,
  restarts: p.restarts ?? 0,
  ...(p.disk == null ? {} : { disk: p.disk, diskSize: p.disk_size ?? undefined }),
  ...(p.load == null ? {} : { load: p.load / 1000 }),
  ...(p.requests == null ? {} : { http: { requests: p.requests, perSecond: perSecond(p.requests, stepS), errors4xx: p.errors_4xx ?? 0, errors5xx: p.errors_5xx ?? 0, errors5xxPerSecond: perSecond(p.errors_5xx ?? 0, stepS), p50: ms(p.p50), p95: ms(p.p95), p99: ms(p.p99) } }),
});

/** The points of a Swarm service over a range (validated here), with the minute in progress, and
 *  the deployments of `instance` in the range (a database has none). */
export async function metricsOf(deps: Deps, swarmName: string, range: unknown, instance?: { serviceId: number; environmentId: number }, nowMs = Date.now()): Promise<MetricsView> {
  const chosen = validate.metricRange(range ?? 'hour');
  const tier = tierFor(chosen);
  const nowS = Math.floor(nowMs / 1000);
  const fromS = nowS - RANGES[chosen];
  const points = await readPoints(deps.db, swarmName, tier.tier, fromS, nowS);
  const current = tier.tier === 0 ? deps.metrics.current(swarmName) : undefined;
  if (current && !points.some((p) => p.at === current.at)) points.push(current);
  const deployments = instance ? await deploymentsSince(deps.db, instance, new Date(fromS * 1000).toISOString()) : [];
  const exits = await exitsSince(deps.db, swarmName, fromS);
  return {
    range: chosen,
    stepS: tier.stepS,
    points: points.map(toView(tier.stepS)),
    deployments: deployments.map((d) => ({ id: d.id, status: d.status, at: d.created_at })),
    exits: exits.map((e) => ({ at: new Date(e.at * 1000).toISOString(), slot: e.slot, exitCode: e.exit_code, reason: e.reason })),
  };
}

/** A service's metrics in one environment, with its deployments in the range. */
export const serviceMetrics = (deps: Deps, ctx: InstanceContext, range?: unknown, nowMs = Date.now()) =>
  metricsOf(deps, swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }), range, scopeOf(ctx), nowMs);
