// A service instance's settings (replicas, port, health check, limits, placement, build caps …):
// read from a body, checked, saved, and shown.
import { MANAGER_PLACEMENT } from '../nodes/placement.js';
import { findNode } from '../store/nodes.js';
import type { ServiceInstance, ServiceInstanceUpdate } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { InvalidFields } from '../errors.js';
import { canaryStepsOf, getInstance, instanceBuildVariables, instanceWatchPaths, updateInstance } from '../store/services.js';
import * as validate from '../validate.js';
import { type AllowedInstance, mayDo, requireTo } from './access.js';
import { type Actor, type Body, instanceObject, truthy } from './common.js';
import { audit } from './record.js';
import { commandText, healthCommandText } from '../deploy/instance-plan.js';

/** Reads instance settings from a body, every refusal at once. A missing field stays as it is;
 *  an empty string clears a field that may be empty (domain, health path and port, limits and
 *  reservations). */
export function parseSettings(body: Body): ServiceInstanceUpdate {
  const opt = <T>(key: string, check: (v: unknown) => T) => () => validate.optional(body[key], check);
  const clearable = <T>(key: string, check: (v: unknown) => T) => () => (body[key] === undefined ? undefined : (validate.optional(body[key], check) ?? null));
  const v = validate.fields({
    replicas: opt('replicas', validate.replicas),
    port: opt('port', validate.port),
    healthCheck: opt('healthCheck', validate.healthType),
    healthPath: clearable('healthPath', validate.healthPath),
    healthPort: clearable('healthPort', validate.port),
    healthInterval: opt('healthInterval', (x) => validate.integer('health check interval', x, 1, 300)),
    healthTimeout: opt('healthTimeout', (x) => validate.integer('health check timeout', x, 1, 120)),
    healthRetries: opt('healthRetries', (x) => validate.integer('health check retries', x, 1, 20)),
    healthStartPeriod: opt('healthStartPeriod', (x) => validate.integer('health check start period', x, 0, 600)),
    healthCommand: clearable('healthCommand', validate.healthCommand),
    command: clearable('command', (x) => validate.commandLineWords('command', x)),
    entrypoint: clearable('entrypoint', (x) => validate.commandLineWords('entrypoint', x)),
    cpuLimit: clearable('cpuLimit', (x) => validate.cpus('CPU limit', x)),
    memoryLimit: clearable('memoryLimit', (x) => validate.memoryMb('memory limit', x)),
    cpuReservation: clearable('cpuReservation', (x) => validate.cpus('CPU reservation', x)),
    memoryReservation: clearable('memoryReservation', (x) => validate.memoryMb('memory reservation', x)),
    restartPolicy: opt('restartPolicy', validate.restartPolicy),
    restartMaxAttempts: opt('restartMaxAttempts', (x) => validate.integer('restart attempts', x, 0, 100)),
    stopGracePeriod: opt('stopGracePeriod', (x) => validate.integer('stop grace period', x, 0, 600)),
    branch: clearable('branch', validate.branch),
    runOn: opt('runOn', (x) => (x === 'any' ? null : validate.resourceName('node', x))),
    releaseCommand: clearable('releaseCommand', validate.releaseCommand),
    buildMemory: clearable('buildMemory', (x) => validate.memoryMb('build memory', x)),
    buildCpus: clearable('buildCpus', (x) => validate.cpus('build CPUs', x)),
    buildTimeout: clearable('buildTimeout', (x) => validate.integer('build timeout', x, 5, 86_400)),
    watchPaths: opt('watchPaths', validate.watchPaths),
    buildVariables: opt('buildVariables', validate.buildVariables),
    autoscaleMin: clearable('autoscaleMin', (x) => validate.integer('autoscale minimum', x, 1, 50)),
    autoscaleMax: clearable('autoscaleMax', (x) => validate.integer('autoscale maximum', x, 1, 50)),
    autoscaleCpu: clearable('autoscaleCpu', (x) => validate.integer('autoscale CPU target', x, 10, 100)),
    autoscaleMemory: clearable('autoscaleMemory', (x) => validate.integer('autoscale memory target', x, 10, 100)),
    strategy: opt('strategy', (x) => validate.oneOf('strategy', x, ['rolling', 'canary', 'blue-green'] as const)),
    canarySteps: opt('canarySteps', validate.canarySteps),
    canaryInterval: opt('canaryInterval', (x) => validate.integer('canary interval', x, 0, 86_400)),
    blueGreenKeep: opt('blueGreenKeep', (x) => validate.integer('blue-green keep', x, 0, 86_400)),
  });
  if (v.healthCheck === 'http' && !v.healthPath && body.healthPath !== undefined) throw new InvalidFields({ healthPath: 'health check path: an HTTP check needs a path' });
  return {
    replicas: v.replicas,
    port: v.port,
    health_type: v.healthCheck,
    health_path: v.healthPath,
    health_port: v.healthPort,
    health_interval_s: v.healthInterval,
    health_timeout_s: v.healthTimeout,
    health_retries: v.healthRetries,
    health_start_period_s: v.healthStartPeriod,
    health_command: jsonToStore(v.healthCommand),
    container_command: jsonToStore(v.command),
    container_entrypoint: jsonToStore(v.entrypoint),
    cpu_limit: v.cpuLimit,
    memory_limit_mb: v.memoryLimit,
    cpu_reservation: v.cpuReservation,
    memory_reservation_mb: v.memoryReservation,
    restart_policy: v.restartPolicy,
    restart_max_attempts: v.restartMaxAttempts,
    stop_grace_s: v.stopGracePeriod,
    branch: v.branch,
    auto_deploy: body.autoDeploy === undefined ? undefined : truthy(body.autoDeploy) ? 1 : 0,
    placement: v.runOn,
    release_command: v.releaseCommand,
    build_memory_mb: v.buildMemory,
    build_cpus: v.buildCpus,
    build_timeout_s: v.buildTimeout,
    watch_paths: listToStore(v.watchPaths),
    build_variables: listToStore(v.buildVariables),
    autoscale_min: v.autoscaleMin,
    autoscale_max: v.autoscaleMax,
    autoscale_cpu: v.autoscaleCpu,
    autoscale_memory: v.autoscaleMemory,
    strategy: v.strategy,
    canary_steps: v.canarySteps === undefined ? undefined : JSON.stringify(v.canarySteps),
    canary_step_s: v.canaryInterval,
    blue_green_keep_s: v.blueGreenKeep,
  };
}

/** A command as stored: JSON words, null when cleared, undefined when not given. */
const jsonToStore = (words: string[] | null | undefined) => (words === undefined ? undefined : words === null ? null : JSON.stringify(words));

/** A list setting as stored: JSON, null for an empty one, undefined when not given. */
const listToStore = (list: string[] | undefined) => (list === undefined ? undefined : list.length ? JSON.stringify(list) : null);

type BuildLimit = 'build_memory_mb' | 'build_cpus' | 'build_timeout_s';

/** The server's build limits (SPUR_BUILD_*), how each is named and shown. */
const serverBuildLimits = (config: Deps['config']): { column: BuildLimit; server: number; says: string }[] => [
  { column: 'build_memory_mb', server: config.buildMemoryMb, says: `build memory above the server's ${config.buildMemoryMb} MiB` },
  { column: 'build_cpus', server: config.buildCpus, says: `build CPUs above the server's ${config.buildCpus} CPU${config.buildCpus === 1 ? '' : 's'}` },
  { column: 'build_timeout_s', server: config.buildTimeoutS, says: `build timeout above the server's ${config.buildTimeoutS} s` },
];

/** A member may lower a service's build limits, or keep what an owner gave it; going above both
 *  the server's SPUR_BUILD_* and the service's present value takes an owner. */
function raisedBuildLimit(config: Deps['config'], user: Actor, current: ServiceInstance, changes: ServiceInstanceUpdate): string | undefined {
  if (mayDo(user, 'build-limits.raise')) return undefined;
  for (const { column, server, says } of serverBuildLimits(config)) {
    const wanted = changes[column];
    if (typeof wanted === 'number' && wanted > Math.max(server, current[column] ?? 0)) return says;
  }
  return undefined;
}

/** Saves settings; they take effect with the next deploy (replicas at once: see `scale`). */
export async function changeSettings(deps: Deps, user: Actor, ctx: AllowedInstance, body: Body) {
  await requireTo(deps, ctx.acting, 'service.change', { object: instanceObject(ctx) });
  const changes = parseSettings(body);
  const next = { ...ctx.instance, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
  const errors: Record<string, string> = {};
  if (next.health_type === 'http' && !next.health_path) errors.healthPath = 'health check path: an HTTP check needs a path';
  if (next.health_type === 'command' && !next.health_command) errors.healthCommand = 'health command: a command check needs a command';
  if (next.cpu_limit && next.cpu_reservation && next.cpu_reservation > next.cpu_limit) errors.cpuReservation = 'CPU reservation: must not exceed the CPU limit';
  if (next.memory_limit_mb && next.memory_reservation_mb && next.memory_reservation_mb > next.memory_limit_mb) errors.memoryReservation = 'memory reservation: must not exceed the memory limit';
  if (changes.placement && changes.placement !== MANAGER_PLACEMENT && (await findNode(deps.db, changes.placement))?.status !== 'ready') errors.runOn = `run on: no ready server is named ${changes.placement}; choose any, manager, or one on the Servers page`;
  Object.assign(errors, autoscaleProblems(next));
  if (Object.keys(errors).length) throw new InvalidFields(errors);
  // Checked against the row as it is inside the transaction that writes it: an owner lowering a
  // limit at the same moment cannot be undone by a member's form that still shows the old value.
  // A refusal is recorded after the transaction: recorded inside, it would be rolled back with it.
  const raised = await deps.db.transaction().execute(async (tx) => {
    const over = raisedBuildLimit(deps.config, user, await getInstance(tx, ctx.service, ctx.environment), changes);
    if (over === undefined) await updateInstance(tx, ctx.service, ctx.environment, changes);
    return over;
  });
  if (raised !== undefined) await requireTo(deps, user, 'build-limits.raise', { what: raised, object: instanceObject(ctx) });
  const columns = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined) as (keyof ServiceInstance)[];
  await audit(deps, ctx.acting, 'service-settings.change', instanceObject(ctx), { before: Object.fromEntries(columns.map((k) => [k, ctx.instance[k]])), after: Object.fromEntries(columns.map((k) => [k, changes[k as keyof typeof changes]])) });
}

/** Autoscaling is on with a maximum, and then needs a target; its bounds in order. */
function autoscaleProblems(i: Pick<ServiceInstance, 'autoscale_min' | 'autoscale_max' | 'autoscale_cpu' | 'autoscale_memory' | 'memory_limit_mb'>): Record<string, string> {
  if (i.autoscale_max === null) return i.autoscale_min !== null || i.autoscale_cpu !== null || i.autoscale_memory !== null ? { autoscaleMax: 'autoscale maximum: autoscaling needs a maximum of replicas' } : {};
  if (i.autoscale_cpu === null && i.autoscale_memory === null) return { autoscaleCpu: 'autoscale CPU target: autoscaling needs a CPU or a memory target' };
  if ((i.autoscale_min ?? 1) > i.autoscale_max) return { autoscaleMin: 'autoscale minimum: must not exceed the maximum' };
  if (i.autoscale_memory !== null && !i.memory_limit_mb) return { autoscaleMemory: 'autoscale memory target: it is a share of the memory limit; set one' };
  return {};
}

/** `revealCommands`: the command, entrypoint and health command as written (they may hold a
 *  password); otherwise null, and `commandsHidden` says whether any is set. */
export function toSettingsView(i: ServiceInstance, opts: { revealCommands: boolean } = { revealCommands: true }) {
  const reveal = opts.revealCommands;
  return {
    replicas: i.replicas,
    port: i.port,
    healthCheck: { type: i.health_type, path: i.health_path, port: i.health_port ?? i.port, interval: i.health_interval_s, timeout: i.health_timeout_s, retries: i.health_retries, startPeriod: i.health_start_period_s, command: reveal && i.health_command ? healthCommandText(JSON.parse(i.health_command) as string[]) : null },
    commandsHidden: !reveal && !!(i.health_command || i.container_command || i.container_entrypoint),
    /** What it sets on its container beyond the image's defaults (a Compose service's); null: the image's. */
    container: {
      command: reveal ? commandText(i.container_command) : null,
      entrypoint: reveal ? commandText(i.container_entrypoint) : null,
      user: i.container_user,
      workdir: i.container_workdir,
      init: i.container_init === 1,
      labels: i.container_labels ? (JSON.parse(i.container_labels) as Record<string, string>) : {},
    },
    limits: { cpu: i.cpu_limit, memoryMb: i.memory_limit_mb },
    reservations: { cpu: i.cpu_reservation, memoryMb: i.memory_reservation_mb },
    restart: { policy: i.restart_policy, maxAttempts: i.restart_max_attempts },
    stopGracePeriod: i.stop_grace_s,
    branch: i.branch,
    autoDeploy: i.auto_deploy === 1,
    /** any, manager, or an enrolled server's name. */
    runOn: i.placement ?? 'any',
    /** Run once from the new image before each rollout; null for none. */
    releaseCommand: i.release_command,
    /** Its builds' own caps and timeout; null: the server's defaults. */
    build: { memoryMb: i.build_memory_mb, cpus: i.build_cpus, timeoutS: i.build_timeout_s },
    /** Null when off: the replicas it keeps within, and the targets in percent a task (of its CPU
     *  limit, a core without one; of its memory limit). */
    autoscale: i.autoscale_max === null ? null : { min: i.autoscale_min ?? 1, max: i.autoscale_max, cpu: i.autoscale_cpu, memory: i.autoscale_memory },
    /** Globs a push must touch to deploy (else its root directory); [] for none. */
    watchPaths: instanceWatchPaths(i),
    /** Variables its builds receive as build arguments. */
    buildVariables: instanceBuildVariables(i),
    /** How a new version takes over: rolling, canary (its shares and seconds per share; 0: by
     *  hand) or blue-green (seconds the old stays ready after the switch). */
    strategy: i.strategy,
    canary: { steps: canaryStepsOf(i), interval: i.canary_step_s },
    blueGreen: { keep: i.blue_green_keep_s },
  };
}
