// What the dashboard shows, read the same way for the first render and its live updates: what
// needs attention (services down or serving after a failed deploy, certificates, backups,
// servers), each project with its services' states, and recent deploys and rollbacks with who
// asked. Everything is limited to the projects the user may see; servers to owners.
import type { Deps } from '../deps.js';
import type { DeploymentStatus, User } from '../db/schema.js';
import { swarmServiceName } from '../docker/names.js';
import { listProjectsFor } from '../store/access.js';
import { deploymentsByInstance } from '../store/deployments.js';
import { listNodes } from '../store/nodes.js';
import { listEnvironments } from '../store/projects.js';
import { listInstancesIn, listServices } from '../store/services.js';
import { needsAttention, resourceState, type ResourceState } from '../../views/components/resource-state.js';
import { serviceTabUrl } from '../../views/pages/service/common.js';
import { backupWarnings, certificateWarnings, type DashboardWarning } from './page-data.js';

type Actor = Pick<User, 'id' | 'role' | 'email'>;

export interface ServiceOverview {
  name: string;
  href: string;
  state: ResourceState;
}

export interface ProjectOverview {
  name: string;
  environments: string[];
  /** Its services in production (or its first environment), each with its state in words. */
  services: ServiceOverview[];
}

export interface ActivityItem {
  id: number;
  project: string;
  service: string;
  environment: string;
  status: DeploymentStatus;
  /** A rollback runs this earlier deployment's image again. */
  rollbackOf: number | null;
  /** Who asked, in words: a user's email, or what did (a webhook). */
  who: string;
  at: string;
}

export interface DashboardData {
  attention: DashboardWarning[];
  projects: ProjectOverview[];
  activity: ActivityItem[];
}

export const ACTIVITY_SHOWN = 15;

/** Every service of the user's projects, each environment, with its state; one Docker listing for all. */
async function serviceStates(deps: Deps, user: Actor) {
  const counts = deps.engine.ready ? await deps.runningTasks.counts().catch(() => null) : null;
  const out: { project: string; environment: string; service: string; state: ResourceState }[] = [];
  const projects = await listProjectsFor(deps.db, user);
  const environmentsOf = new Map<string, string[]>();
  for (const p of projects) {
    const environments = await listEnvironments(deps.db, p.id);
    environmentsOf.set(p.name, environments.map((e) => e.name));
    const deployments = await deploymentsByInstance(deps.db, environments.map((e) => e.id));
    const services = await listServices(deps.db, p.id);
    for (const env of environments) {
      for (const instance of await listInstancesIn(deps.db, env.id)) {
        const svc = services.find((s) => s.id === instance.service_id);
        if (!svc) continue;
        const { latest, active } = deployments.get(`${svc.id}:${env.id}`) ?? {};
        const running = counts ? (counts.get(swarmServiceName({ project: p.name, service: svc.name, environment: env.name })) ?? 0) : null;
        const state = resourceState({ type: 'service', serving: active?.id ?? null, latest: latest && latest.id !== active?.id ? { id: latest.id, status: latest.status } : null, running, replicas: instance.replicas });
        out.push({ project: p.name, environment: env.name, service: svc.name, state });
      }
    }
  }
  return { projects, environmentsOf, states: out };
}

/** Servers that are down or whose enrollment failed (owners only: members do not see servers). */
async function serverWarnings(deps: Deps, user: Actor): Promise<DashboardWarning[]> {
  if (user.role !== 'owner') return [];
  const records = await listNodes(deps.db);
  const warnings: DashboardWarning[] = records.filter((r) => r.status === 'failed').map((r) => ({ href: `/servers/${r.name}`, subject: `server ${r.name}`, problem: `could not be enrolled: ${r.error ?? 'unknown error'}` }));
  if (!deps.engine.ready) return warnings;
  type Node = { ID: string; Spec: { Labels?: Record<string, string> }; Description: { Hostname: string }; Status: { State: string } };
  const nodes = (await deps.docker.listNodes().catch(() => [])) as unknown as Node[];
  for (const n of nodes.filter((n) => n.Status.State !== 'ready')) {
    const record = records.find((r) => r.swarm_node_id === n.ID);
    const name = record?.name ?? n.Description.Hostname;
    warnings.push({ href: record ? `/servers/${record.name}` : '/servers', subject: `server ${name}`, problem: n.Status.State === 'down' ? 'is down: the Swarm cannot reach it' : `is ${n.Status.State}` });
  }
  return warnings;
}

/** The newest deployments of the user's projects, with who asked for each. */
export async function recentActivity(deps: Deps, projectIds: number[], limit = ACTIVITY_SHOWN): Promise<ActivityItem[]> {
  if (projectIds.length === 0) return [];
  const rows = await deps.db
    .selectFrom('deployments')
    .innerJoin('services', 'services.id', 'deployments.service_id')
    .innerJoin('projects', 'projects.id', 'services.project_id')
    .innerJoin('environments', 'environments.id', 'deployments.environment_id')
    .leftJoin('users', 'users.id', 'deployments.requested_by')
    .select(['deployments.id', 'deployments.status', 'deployments.trigger', 'deployments.created_at', 'deployments.source_deployment_id', 'services.name as service', 'projects.name as project', 'environments.name as environment', 'users.email'])
    .where('projects.id', 'in', projectIds)
    .orderBy('deployments.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, project: r.project, service: r.service, environment: r.environment, status: r.status, rollbackOf: r.source_deployment_id, who: r.email ?? whoFromTrigger(r.trigger), at: r.created_at }));
}

/** A deployment asked for by no recorded user: a webhook names its host; older records kept the
 *  asker's email in the trigger. */
export function whoFromTrigger(trigger: string): string {
  const [kind, rest] = [trigger.split(':')[0], trigger.slice(trigger.indexOf(':') + 1)];
  if (kind === 'webhook') return `a push to ${rest === 'github' ? 'GitHub' : rest === 'gitlab' ? 'GitLab' : rest} (webhook)`;
  if (['ui', 'api', 'push', 'rollback'].includes(kind) && rest.includes('@')) return rest;
  return 'Spur';
}

export async function dashboardData(deps: Deps, user: Actor): Promise<DashboardData> {
  const { projects, environmentsOf, states } = await serviceStates(deps, user);
  const failing: DashboardWarning[] = states
    .filter((s) => needsAttention(s.state))
    .map((s) => ({ href: serviceTabUrl({ project: s.project, service: s.service, environment: s.environment }, 'overview'), subject: `${s.service} (${s.project}, ${s.environment})`, problem: `${s.state.words}${s.state.detail ? `: ${s.state.detail}` : ''}` }));
  return {
    attention: [...failing, ...(await serverWarnings(deps, user)), ...(await certificateWarnings(deps, user)), ...(await backupWarnings(deps, user))],
    projects: projects.map((p) => {
      const mine = states.filter((s) => s.project === p.name);
      const environments = environmentsOf.get(p.name) ?? [];
      const shown = environments.includes('production') ? 'production' : environments[0];
      return { name: p.name, environments, services: mine.filter((s) => s.environment === shown).map((s) => ({ name: s.service, href: serviceTabUrl({ project: p.name, service: s.service, environment: s.environment }, 'overview'), state: s.state })) };
    }),
    activity: await recentActivity(deps, projects.map((p) => p.id)),
  };
}
