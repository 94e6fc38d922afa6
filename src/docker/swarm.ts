// Applies service specs to Swarm and watches what Swarm makes of them.
import { createHash } from 'node:crypto';
import { type DockerClient, isNotFound, isOutOfSequence } from './client.js';
import { INSTALL_LABEL, MANAGED_LABEL } from './names.js';
import type { SwarmServiceSpec } from './service-spec.js';

export class NotOwned extends Error {}

export interface ServiceInfo {
  ID: string;
  Version: { Index: number };
  Spec: SwarmServiceSpec & { Labels?: Record<string, string> };
  PreviousSpec?: SwarmServiceSpec;
  UpdateStatus?: { State?: string; Message?: string };
}

export async function findService(docker: DockerClient, name: string): Promise<ServiceInfo | undefined> {
  try {
    return (await docker.getService(name).inspect()) as ServiceInfo;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Credentials the nodes pull the service's image with (a registry's), sent in a header only. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/** Creates the service, or updates it when Spur owns it; refuses to touch one it does not own. */
export async function upsertService(docker: DockerClient, spec: SwarmServiceSpec | { Name: string; Labels: Record<string, string> }, auth?: RegistryAuth): Promise<void> {
  const existing = await findService(docker, spec.Name);
  if (!existing) {
    await (auth ? docker.createService(auth, spec as object) : docker.createService(spec as object));
    return;
  }
  if (existing.Spec.Labels?.[MANAGED_LABEL] !== 'true') {
    throw new NotOwned(`a Docker service named ${spec.Name} exists and was not made by Spur; remove or rename it`);
  }
  await updateService(docker, existing, spec, { auth });
}

/** Updates a service at the version we read; only the version (and rollback flag) go in the
 *  query string, the spec in the body. */
export async function updateService(docker: DockerClient, current: ServiceInfo, spec: object, opts: { rollback?: boolean; auth?: RegistryAuth } = {}): Promise<void> {
  const query = { version: current.Version.Index, ...(opts.rollback ? { rollback: 'previous' } : {}) };
  const request = { _query: query, _body: spec } as object;
  // dockerode takes the credentials as a first argument (its types do not say so).
  const service = docker.getService(current.ID) as unknown as { update(...args: object[]): Promise<unknown> };
  await (opts.auth ? service.update(opts.auth, request) : service.update(request));
}

/** Changes only the replica count of a running service: no task is replaced. */
export async function scaleService(docker: DockerClient, name: string, replicas: number): Promise<boolean> {
  const current = await findService(docker, name);
  if (!current) return false;
  if (current.Spec.Labels?.[MANAGED_LABEL] !== 'true') throw new NotOwned(`refusing to scale ${name}: not made by Spur`);
  await updateService(docker, current, { ...current.Spec, Mode: { Replicated: { Replicas: replicas } } });
  return true;
}

/** Replaces the service's tasks with new ones of the same spec (its update order applies). */
export async function restartService(docker: DockerClient, name: string): Promise<void> {
  const current = await findService(docker, name);
  if (!current) throw new Error(`service ${name} does not exist`);
  if (current.Spec.Labels?.[MANAGED_LABEL] !== 'true') throw new NotOwned(`refusing to restart ${name}: not made by Spur`);
  const template = current.Spec.TaskTemplate as { ForceUpdate?: number };
  await updateService(docker, current, { ...current.Spec, TaskTemplate: { ...current.Spec.TaskTemplate, ForceUpdate: (template.ForceUpdate ?? 0) + 1 } });
}

/** Replaces a running service's Traefik labels (nothing else: no task is replaced, Traefik
 *  re-reads them within a second). False when there is no such service yet. Another writer's
 *  update in between (a deploy, a scale, another relabel) makes Swarm refuse ours as out of
 *  sequence: the service is read again and the labels applied to what it is now. */
export async function relabelService(docker: DockerClient, name: string, routingLabels: Record<string, string>): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await findService(docker, name);
    if (!current) return false;
    if (current.Spec.Labels?.[MANAGED_LABEL] !== 'true') throw new NotOwned(`refusing to relabel ${name}: not made by Spur`);
    const kept = Object.fromEntries(Object.entries(current.Spec.Labels ?? {}).filter(([k]) => !k.startsWith('traefik.')));
    const labels = { ...kept, ...routingLabels };
    if (JSON.stringify(Object.entries(labels).sort()) === JSON.stringify(Object.entries(current.Spec.Labels ?? {}).sort())) return true;
    try {
      await updateService(docker, current, { ...current.Spec, Labels: labels });
      return true;
    } catch (err) {
      if (attempt >= RELABEL_ATTEMPTS || !isOutOfSequence(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}

const RELABEL_ATTEMPTS = 8;

export const SPEC_DIGEST_LABEL = 'spur.spec-digest';

/** Creates a service Spur runs for itself (Traefik), or updates it when Spur's spec for it changed
 *  since it was made: an upgrade that adds an argument or a mount reaches the running service.
 *  The spec's digest, kept as a label, tells; Docker's own defaults in the stored spec do not.
 *  One of that name Spur did not make is refused (NotOwned), never changed. */
export async function ensureServiceSpec(docker: DockerClient, spec: { Name: string; Labels: Record<string, string> }): Promise<'created' | 'updated' | 'unchanged'> {
  const digest = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  const wanted = { ...spec, Labels: { ...spec.Labels, [SPEC_DIGEST_LABEL]: digest } };
  const current = await findService(docker, spec.Name);
  if (!current) {
    await docker.createService(wanted as object);
    return 'created';
  }
  if (current.Spec.Labels?.[MANAGED_LABEL] !== 'true') throw new NotOwned(`a Docker service named ${spec.Name} exists and was not made by Spur; remove or rename it`);
  if (current.Spec.Labels?.[SPEC_DIGEST_LABEL] === digest) return 'unchanged';
  await updateService(docker, current, wanted);
  return 'updated';
}

/** Names of the app services this Spur installation made. */
export async function listOwnedServices(docker: DockerClient, installId: string): Promise<string[]> {
  const services = await docker.listServices({ filters: { label: [`${MANAGED_LABEL}=true`, `${INSTALL_LABEL}=${installId}`] } });
  return services.map((s) => s.Spec?.Name).filter((n): n is string => !!n);
}

export async function removeOwnedService(docker: DockerClient, name: string): Promise<void> {
  const existing = await findService(docker, name);
  if (!existing) return;
  if (existing.Spec.Labels?.[MANAGED_LABEL] !== 'true') throw new NotOwned(`refusing to remove ${name}: not made by Spur`);
  await docker.getService(existing.ID).remove();
}

export interface TaskView {
  id: string;
  /** Replica number: the task is `<service>.<slot>`. */
  slot?: number;
  state: string;
  desiredState: string;
  deployment?: string;
  error?: string;
  exitCode?: number;
  message?: string;
  /** When the task entered its current state (ms since the epoch). */
  since: number;
  containerId?: string;
}

/** The tasks of a service; undefined when Docker has no such service (never deployed, or removed
 *  after a failed first deploy): Swarm answers 404 for that, which is an answer, not an outage. */
export async function findServiceTasks(docker: DockerClient, serviceName: string): Promise<TaskView[] | undefined> {
  let tasks: any[];
  try {
    tasks = (await docker.listTasks({ filters: { service: [serviceName] } })) as any[];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return tasksOf(tasks);
}

/** Docker's task listing as TaskViews (tasks without a container spec are not Spur's). */
export function tasksOf(tasks: any[]): TaskView[] {
  return tasks
    .filter((t) => t.Spec?.ContainerSpec)
    .map((t) => ({
      id: t.ID,
      slot: t.Slot,
      state: t.Status?.State,
      desiredState: t.DesiredState,
      deployment: t.Spec.ContainerSpec.Labels?.['spur.deployment'],
      error: t.Status?.Err,
      exitCode: t.Status?.ContainerStatus?.ExitCode,
      message: t.Status?.Message,
      since: Date.parse(t.Status?.Timestamp ?? '') || 0,
      containerId: t.Status?.ContainerStatus?.ContainerID,
    }));
}

/** The tasks of a service; none when Docker has no such service. */
export const listTasks = async (docker: DockerClient, serviceName: string): Promise<TaskView[]> => (await findServiceTasks(docker, serviceName)) ?? [];

const isRunning = (t: TaskView) => t.state === 'running' && t.desiredState === 'running';

/** Tasks of a service that run (and, with a health check, are healthy) now; 0 when Docker has no such service. */
export async function countRunningTasks(docker: DockerClient, serviceName: string): Promise<number> {
  return (await listTasks(docker, serviceName)).filter(isRunning).length;
}

/** Whether Docker has the service, and how many of its tasks run now. */
export async function serviceReplicas(docker: DockerClient, serviceName: string): Promise<{ exists: boolean; running: number }> {
  const tasks = await findServiceTasks(docker, serviceName);
  return { exists: tasks !== undefined, running: tasks?.filter(isRunning).length ?? 0 };
}
