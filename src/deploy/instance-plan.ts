// Maps an instance's stored settings to the plans the service spec takes. Pure.
import type { ServiceInstance } from '../db/schema.js';
import { type ContainerPlan, type HealthPlan, type ResourcePlan, UPDATE_MONITOR_MS } from '../docker/service-spec.js';

/** The HEALTHCHECK an image carries (Config.Healthcheck of its inspect), durations in ns. */
export interface ImageHealthcheck {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

const hasCheck = (c: ImageHealthcheck | null | undefined): c is ImageHealthcheck => !!c?.Test?.length && c.Test[0] !== 'NONE';

/** The check that runs: `auto` becomes the image's HEALTHCHECK when it has one, else TCP. An
 *  image check keeps the image's timings (Docker's defaults where it sets none). */
export function healthPlan(i: ServiceInstance, image: ImageHealthcheck | null): HealthPlan {
  const type = i.health_type === 'auto' ? (hasCheck(image) ? 'image' : 'tcp') : i.health_type;
  const plan: HealthPlan = {
    type,
    path: i.health_path,
    port: i.health_port ?? i.port,
    intervalS: i.health_interval_s,
    timeoutS: i.health_timeout_s,
    retries: i.health_retries,
    startPeriodS: i.health_start_period_s,
  };
  if (type === 'command') return { ...plan, command: i.health_command ? (JSON.parse(i.health_command) as string[]) : ['NONE'] };
  if (type !== 'image' || !hasCheck(image)) return plan;
  const seconds = (ns: number | undefined, fallback: number) => (ns ? Math.ceil(ns / 1e9) : fallback);
  return { ...plan, intervalS: seconds(image.Interval, 30), timeoutS: seconds(image.Timeout, 30), retries: image.Retries || 3, startPeriodS: seconds(image.StartPeriod, 0), image: { test: image.Test!, serviceStartPeriodS: i.health_start_period_s } };
}

/** Whether a check runs at all: then a task runs only once it passed. */
export const runsCheck = (h: HealthPlan, image: ImageHealthcheck | null): boolean => h.type === 'tcp' || h.type === 'http' || h.type === 'command' || (h.type === 'image' && hasCheck(image));

/** How the check reads in logs and pages. */
export function describeHealth(h: HealthPlan, image: ImageHealthcheck | null): string {
  if (h.type === 'http') return `HTTP GET ${h.path} on port ${h.port}`;
  if (h.type === 'tcp') return `TCP port ${h.port}`;
  if (h.type === 'none') return 'none';
  // Not the command itself: it may hold a password, and deploy logs are every member's to read.
  if (h.type === 'command') return `a command in the container (${(h.command ?? [])[0] === 'CMD-SHELL' ? "run by the container's shell" : 'run without a shell'})`;
  return hasCheck(image) ? `the image's HEALTHCHECK (${image.Test!.slice(1).join(' ')})` : "the image's HEALTHCHECK (the image has none)";
}

/** A health command as a person writes it: `CMD-SHELL text` runs in the container's shell,
 *  anything else is the words of a command run without one. */
export const healthCommandText = (test: string[]) => (test[0] === 'CMD-SHELL' ? `CMD-SHELL ${test.slice(1).join(' ')}` : test.slice(test[0] === 'CMD' ? 1 : 0).map(quoteWord).join(' '));

const quoteWord = (w: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`);

/** Stored command words as a person writes them; null for none. */
export const commandText = (json: string | null) => (json ? (JSON.parse(json) as string[]).map(quoteWord).join(' ') : null);

const words = (json: string | null) => (json ? (JSON.parse(json) as string[]) : null);

/** What the instance sets on its container beyond the image's defaults. */
export const containerPlan = (i: ServiceInstance): ContainerPlan => ({
  args: words(i.container_command),
  entrypoint: words(i.container_entrypoint),
  labels: i.container_labels ? (JSON.parse(i.container_labels) as Record<string, string>) : undefined,
  user: i.container_user,
  workdir: i.container_workdir,
  init: i.container_init === 1,
});

export const resourcePlan = (i: ServiceInstance): ResourcePlan => ({
  cpuLimit: i.cpu_limit,
  memoryLimitMb: i.memory_limit_mb,
  cpuReservation: i.cpu_reservation,
  memoryReservationMb: i.memory_reservation_mb,
});

/** How long a new version may take to become healthy before it counts as failed. Swarm replaces
 *  one task at a time, watching each for UPDATE_MONITOR_MS: every replica after the first gets a
 *  health window of its own (a slow or busy server must not fail a rollout for having replicas). */
export function rolloutWindowMs(h: HealthPlan, replicas = 1): number {
  const health = h.type === 'none' ? 30 : h.startPeriodS + h.intervalS * (h.retries + 1) + h.timeoutS;
  return ((health + 60) + Math.max(0, replicas - 1) * (health + UPDATE_MONITOR_MS / 1000)) * 1000;
}
