// What the dashboard shows, read the same way for the first render and its live updates: what
// needs attention (services down or serving after a failed deploy, databases Docker cannot run,
// certificates, backups, servers), each project with its services' states, and recent deploys and rollbacks with who
// asked. Everything is limited to the projects the user may see; servers to owners.
import type { Deps } from '../deps.js';
import type { DeploymentStatus, User } from '../db/schema.js';
import { swarmServiceName } from '../docker/names.js';
import { listProjectsFor, mayDo } from '../actions/access.js';
import { deploymentsByInstance } from '../store/deployments.js';
import { listNodes } from '../store/nodes.js';
import { serverNameOf } from './servers.js';
import { listEnvironments } from '../store/projects.js';
import { listInstancesIn, listServices } from '../store/services.js';
import { listDatabases } from '../store/databases.js';
import { databaseServiceName } from '../databases/service-spec.js';
import { type ShownState, databaseState, serviceState } from './service-state.js';
import { backupWarnings, certificateWarnings, type DashboardWarning, serviceTabUrl } from './page-data.js';

type Actor = Pick<User, 'id' | 'role' | 'email'>;

export interface ServiceOverview {
  name: string;
  href: string;
  state: ShownState;
}

export interface ProjectOverview {
  name: string;
  environments: string[];
  /** Its services and databases in production (or its first environment), each with its state in words. */
  services: ServiceOverview[];
  databases: ServiceOverview[];
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
  /** The servers whose charts are shown (an owner's dashboard; none for others). */
  servers: string[];
  projects: ProjectOverview[];
  activity: ActivityItem[];
}

export const ACTIVITY_SHOWN = 15;

/** Services and databases that need a person: down, or serving with a problem. */
const needsAttention = (s: ShownState) => s.kind === 'down' || s.kind === 'attention';

interface Stated { project: string; environment: string; name: string; kind: 'service' | 'database'; href: string; state: ShownState }

/** Every service and database of the user's projects, each environment, with its state; one
 *  Docker task listing for all. */
async function resourceStates(deps: Deps, user: Actor) {
  const tasks = deps.daemon.ready ? await deps.runningTasks.summary().catch(() => null) : null;
  const out: Stated[] = [];
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
        const found = tasks?.get(swarmServiceName({ project: p.name, service: svc.name, environment: env.name }));
        const state = serviceState({ serving: active?.id ?? null, latest: latest ? { id: latest.id, status: latest.status, failureReason: latest.failure_reason } : null, running: tasks ? (found?.running ?? 0) : null, replicas: instance.replicas, problem: found?.problem });
        out.push({ project: p.name, environment: env.name, name: svc.name, kind: 'service', href: serviceTabUrl({ project: p.name, service: svc.name, environment: env.name }, 'overview'), state });
      }
      for (const d of await listDatabases(deps.db, env.id)) {
        const found = tasks?.get(databaseServiceName({ project: p.name, environment: env.name, name: d.name }));
        const state = databaseState({ running: tasks ? (found?.running ?? 0) : null, problem: found?.problem });
        out.push({ project: p.name, environment: env.name, name: d.name, kind: 'database', href: `/projects/${p.name}/databases/${d.name}?env=${env.name}`, state });
      }
    }
  }
  return { projects, environmentsOf, states: out };
}

/** Servers that are down or whose enrollment failed, and the names of those in the Swarm (whose
 *  charts the dashboard shows): owners only, members do not see servers. */
async function serverFacts(deps: Deps, user: Actor): Promise<{ warnings: DashboardWarning[]; servers: string[] }> {
  if (!mayDo(user, 'servers.manage')) return { warnings: [], servers: [] };
  const records = await listNodes(deps.db);
  const warnings: DashboardWarning[] = records.filter((r) => r.status === 'failed').map((r) => ({ href: `/servers/${r.name}`, subject: `server ${r.name}`, problem: `could not be enrolled: ${r.error ?? 'unknown error'}` }));
  if (!deps.daemon.ready) return { warnings, servers: [] };
  type Node = { ID: string; Spec: { Role?: string; Labels?: Record<string, string> }; Description: { Hostname: string }; Status: { State: string } };
  const nodes = (await deps.swarmNodes.get().catch(() => [])) as Node[];
  for (const n of nodes.filter((n) => n.Status.State !== 'ready')) {
    const name = serverNameOf(n, records);
    warnings.push({ href: `/servers/${name}`, subject: `server ${name}`, problem: n.Status.State === 'down' ? 'is down: the Swarm cannot reach it' : `is ${n.Status.State}` });
  }
  // The managers first, as on the Servers page.
  const ordered = [...nodes].sort((a, b) => Number(b.Spec.Role === 'manager') - Number(a.Spec.Role === 'manager'));
  return { warnings, servers: ordered.map((n) => serverNameOf(n, records)) };
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
  const { projects, environmentsOf, states } = await resourceStates(deps, user);
  const failing: DashboardWarning[] = states
    .filter((s) => needsAttention(s.state))
    .map((s) => ({ href: s.href, subject: `${s.name} (${s.project}, ${s.environment})`, problem: `${s.state.words}${s.state.detail ? `: ${s.state.detail}` : ''}` }));
  const servers = await serverFacts(deps, user);
  return {
    attention: [...failing, ...servers.warnings, ...(await certificateWarnings(deps, user)), ...(await backupWarnings(deps, user))],
    servers: servers.servers,
    projects: projects.map((p) => {
      const environments = environmentsOf.get(p.name) ?? [];
      const shown = environments.includes('production') ? 'production' : environments[0];
      const mine = states.filter((s) => s.project === p.name && s.environment === shown);
      const overview = (s: Stated): ServiceOverview => ({ name: s.name, href: s.href, state: s.state });
      return { name: p.name, environments, services: mine.filter((s) => s.kind === 'service').map(overview), databases: mine.filter((s) => s.kind === 'database').map(overview) };
    }),
    activity: await recentActivity(deps, projects.map((p) => p.id)),
  };
}
