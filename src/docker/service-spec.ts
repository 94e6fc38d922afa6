// The Swarm service spec of one (service, environment) at one deployment. Pure: a plan that
// docker/swarm.ts applies.
import type { HealthType, RestartCondition } from '../db/schema.js';
import { EDGE_NETWORK, INSTALL_LABEL, type InstanceRef, ownershipLabels, projectNetworkName, swarmServiceName } from './names.js';

/** Where the health probe appears inside every task. */
export const PROBE_TARGET = '/spur/probe';

export interface HealthPlan {
  /** What runs: `auto` is decided before a plan is made (deploy/instance-plan.ts). */
  type: Exclude<HealthType, 'auto'>;
  /** HTTP path, validated by the input gate; only for `http`. */
  path?: string | null;
  port: number;
  intervalS: number;
  timeoutS: number;
  retries: number;
  startPeriodS: number;
  /** For `image`: the image's own check, and the service's start period. */
  image?: { test: string[]; serviceStartPeriodS: number };
  /** For `command`: Docker's test, `["CMD", …]` or `["CMD-SHELL", "…"]`, run inside the task. */
  command?: string[];
}

/** What a service sets on its container beyond the image's defaults (a Compose service's
 *  command, entrypoint, labels, user, working directory, init). */
export interface ContainerPlan {
  /** Replaces the image's CMD. */
  args?: string[] | null;
  /** Replaces the image's ENTRYPOINT. */
  entrypoint?: string[] | null;
  labels?: Record<string, string>;
  user?: string | null;
  workdir?: string | null;
  init?: boolean;
}

export interface ResourcePlan {
  cpuLimit?: number | null;
  memoryLimitMb?: number | null;
  cpuReservation?: number | null;
  memoryReservationMb?: number | null;
}

export interface ServiceSpecInput extends InstanceRef {
  deploymentId: number;
  image: string;
  replicas: number;
  port: number;
  variables: Record<string, string>;
  routingLabels: Record<string, string>;
  health: HealthPlan;
  resources: ResourcePlan;
  restart: { condition: RestartCondition; maxAttempts: number };
  stopGraceS: number;
  /** Host path of the static probe binary that HTTP and TCP checks run. */
  probePath: string;
  /** The Spur installation that owns the service (see INSTALL_LABEL). */
  installId: string;
  /** Named volumes (`source`: the Docker volume recorded at creation), kept across deploys; a
   *  service with one updates stop-first. */
  volumes?: { source: string; mountPath: string }[];
  /** Swarm placement constraints (nodes/placement.ts computes them). */
  constraints?: string[];
  /** The daemon speaks Engine API 1.44 or newer: health checks take a start interval. */
  startInterval?: boolean;
  container?: ContainerPlan;
}

export interface SwarmServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Command?: string[];
      Args?: string[];
      User?: string;
      Dir?: string;
      Init?: boolean;
      Env: string[];
      Labels: Record<string, string>;
      HealthCheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number; StartInterval?: number };
      Mounts?: { Type: 'bind' | 'volume'; Source: string; Target: string; ReadOnly: boolean; VolumeOptions?: { Labels: Record<string, string> } }[];
      StopGracePeriod: number;
    };
    Resources: { Limits: { NanoCPUs?: number; MemoryBytes?: number }; Reservations: { NanoCPUs?: number; MemoryBytes?: number } };
    RestartPolicy: { Condition: RestartCondition; Delay: number; MaxAttempts: number };
    Networks: { Target: string; Aliases?: string[] }[];
    Placement?: { Constraints: string[] };
    ForceUpdate: number;
  };
  Mode: { Replicated: { Replicas: number } };
  UpdateConfig: UpdatePolicy;
  RollbackConfig: UpdatePolicy;
  EndpointSpec: { Mode: 'dnsrr' | 'vip' };
}

export interface UpdatePolicy {
  Parallelism: number;
  Order: 'start-first' | 'stop-first';
  FailureAction: 'pause' | 'continue' | 'rollback';
  Monitor: number;
  MaxFailureRatio: number;
}

export const SECOND = 1_000_000_000;
/** How long Swarm watches an updated task, once it answered its first check, before it counts
 *  the update as done: a version that crashes meanwhile (one that listens, then fails to reach its
 *  database, say) is rolled back. Swarm's default is 5 s; 0 means it. */
export const UPDATE_MONITOR_MS = 1000;

/** Docker starts the probe this long after the task starts, and again this long after it ends. */
export const PROBE_GAP_MS = 200;
/** How long one probe stays, checking, once the app has answered: each start of a probe costs
 *  the machine about 0.1 CPU-second (see src/health/probe.c). */
export const PROBE_STAYS_S = 600;
const MS = 1_000_000;

/** While a task starts, a daemon with API 1.44 runs an image's own check this often. */
export const IMAGE_CHECK_START_INTERVAL_S = 1;

/** Docker health check for the plan; undefined keeps the image's own HEALTHCHECK. Spur's probe
 *  stays in the task and counts failed checks in a row itself; Docker counts its failed runs (one
 *  it could not even start among them), each after the first a single check. An image's own
 *  check runs first after its interval (30 s unless it says), except where the daemon has start
 *  intervals (API 1.44): then it runs every second while the task starts, within the image's
 *  start period or the service's, whichever is longer. */
export function healthCheck(h: HealthPlan, opts: { startInterval?: boolean } = {}): SwarmServiceSpec['TaskTemplate']['ContainerSpec']['HealthCheck'] {
  if (h.type === 'image') {
    if (!opts.startInterval || !h.image) return undefined;
    const startPeriodS = Math.max(h.startPeriodS, h.image.serviceStartPeriodS);
    return { Test: h.image.test, Interval: h.intervalS * SECOND, Timeout: h.timeoutS * SECOND, Retries: h.retries, StartPeriod: startPeriodS * SECOND, StartInterval: IMAGE_CHECK_START_INTERVAL_S * SECOND };
  }
  if (h.type === 'none') return { Test: ['NONE'] };
  if (h.type === 'command') {
    const start = opts.startInterval ? { StartInterval: IMAGE_CHECK_START_INTERVAL_S * SECOND } : {};
    return { Test: h.command ?? ['NONE'], Interval: h.intervalS * SECOND, Timeout: h.timeoutS * SECOND, Retries: h.retries, StartPeriod: h.startPeriodS * SECOND, ...start };
  }
  const what = h.type === 'http' ? ['http', String(h.port), h.path ?? '/'] : ['tcp', String(h.port)];
  const watch = ['watch', String(h.intervalS * 1000), String(h.retries), String(h.timeoutS * 1000), String(PROBE_STAYS_S), String(h.startPeriodS)];
  // A run stays PROBE_STAYS_S, and longer while a failing app has neither answered nor failed
  // `retries` times; Docker counts one it had to stop as failed.
  const longestRunS = PROBE_STAYS_S + (h.retries + 1) * (h.timeoutS + 1) + 60;
  // Docker 25 runs checks every 5 s within the start period unless told otherwise.
  const start = opts.startInterval ? { StartInterval: PROBE_GAP_MS * MS } : {};
  return { Test: ['CMD', PROBE_TARGET, ...watch, ...what], Interval: PROBE_GAP_MS * MS, Timeout: longestRunS * SECOND, Retries: h.retries, StartPeriod: h.startPeriodS * SECOND, ...start };
}

function containerOptions(c: ContainerPlan | undefined): Partial<SwarmServiceSpec['TaskTemplate']['ContainerSpec']> {
  if (!c) return {};
  return {
    ...(c.entrypoint ? { Command: c.entrypoint } : {}),
    ...(c.args ? { Args: c.args } : {}),
    ...(c.user ? { User: c.user } : {}),
    ...(c.workdir ? { Dir: c.workdir } : {}),
    ...(c.init ? { Init: true } : {}),
  };
}

function resources(r: ResourcePlan): SwarmServiceSpec['TaskTemplate']['Resources'] {
  const cpu = (cores?: number | null) => (cores ? { NanoCPUs: Math.round(cores * 1e9) } : {});
  const memory = (mb?: number | null) => (mb ? { MemoryBytes: mb * 1024 * 1024 } : {});
  return { Limits: { ...cpu(r.cpuLimit), ...memory(r.memoryLimitMb) }, Reservations: { ...cpu(r.cpuReservation), ...memory(r.memoryReservationMb) } };
}

/** Variables the platform sets; they win over user variables of the same name. */
export function platformVariables(input: Pick<ServiceSpecInput, 'port' | 'project' | 'service' | 'environment' | 'deploymentId'>): Record<string, string> {
  return {
    PORT: String(input.port),
    SPUR_PROJECT: input.project,
    SPUR_SERVICE: input.service,
    SPUR_ENVIRONMENT: input.environment,
    SPUR_DEPLOYMENT_ID: String(input.deploymentId),
  };
}

/** The Docker volume behind a service's named volume in one environment, named once when the
 *  volume is added. The random part makes it that volume's alone: a service or project made
 *  later with the same names never mounts a deleted one's kept data. */
export const serviceVolumeName = (r: InstanceRef, volume: string, nonce: string) => `${swarmServiceName(r)}_v_${volume}_${nonce}`;

export function serviceSpec(input: ServiceSpecInput): SwarmServiceSpec {
  const labels = ownershipLabels({ ...input });
  const env = { ...input.variables, ...platformVariables(input) };
  const check = healthCheck(input.health, { startInterval: input.startInterval });
  const probed = input.health.type === 'tcp' || input.health.type === 'http';
  // New tasks start first and the old stop only once the new are healthy; a new version that
  // fails is rolled back by Swarm to the previous spec, whose tasks never stopped. A volume must
  // not be written by two versions at once: then the old task stops first.
  const volumes = input.volumes ?? [];
  const mounts = [
    ...(probed ? [{ Type: 'bind' as const, Source: input.probePath, Target: PROBE_TARGET, ReadOnly: true }] : []),
    ...volumes.map((v) => ({ Type: 'volume' as const, Source: v.source, Target: v.mountPath, ReadOnly: false, VolumeOptions: { Labels: ownershipLabels({ project: input.project, service: input.service, environment: input.environment }) } })),
  ];
  const update: UpdatePolicy = { Parallelism: 1, Order: volumes.length ? 'stop-first' : 'start-first', FailureAction: 'rollback', Monitor: UPDATE_MONITOR_MS * MS, MaxFailureRatio: 0 };
  return {
    Name: swarmServiceName(input),
    Labels: { ...labels, [INSTALL_LABEL]: input.installId, ...input.routingLabels },
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        ...containerOptions(input.container),
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        // Spur's own labels win over the service's.
        Labels: { ...input.container?.labels, ...labels },
        ...(check ? { HealthCheck: check } : {}),
        ...(mounts.length ? { Mounts: mounts } : {}),
        StopGracePeriod: input.stopGraceS * SECOND,
      },
      Resources: resources(input.resources),
      RestartPolicy: { Condition: input.restart.condition, Delay: 2 * SECOND, MaxAttempts: input.restart.maxAttempts },
      Networks: [{ Target: projectNetworkName(input), Aliases: [input.service] }, { Target: EDGE_NETWORK }],
      ...(input.constraints?.length ? { Placement: { Constraints: input.constraints } } : {}),
      ForceUpdate: input.deploymentId,
    },
    Mode: { Replicated: { Replicas: input.replicas } },
    UpdateConfig: update,
    RollbackConfig: { ...update, FailureAction: 'pause' },
    // The routing mesh's virtual IPs need IPVS; DNS round-robin works on every kernel, and
    // Traefik's Swarm provider reads task addresses directly for it.
    EndpointSpec: { Mode: 'dnsrr' },
  };
}
