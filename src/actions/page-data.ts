// What the dashboard, project and service pages show, read the same way for the first render and
// for their live updates.
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { generatedDomain, swarmServiceName } from '../docker/names.js';
import { certificatesNeedingAttention } from '../store/certificates.js';
import { spurDomain } from '../store/settings.js';
import { failingLatestBackups } from '../store/database-backups.js';
import { WARN_BEFORE_DAYS, daysLeft } from '../tls/renewal-policy.js';
import { type Action, type AllowedInstance, MAY, asksIn, getProjectFor, listProjectsFor, mayDo } from '../actions/access.js';
import { deploymentsByInstance, hasPendingChanges } from '../store/deployments.js';
import { listEnvironments } from '../store/projects.js';
import { listDatabases } from '../store/databases.js';
import { databaseServiceName } from '../databases/service-spec.js';
import { databaseState, serviceState } from './service-state.js';
import { listInstancesIn, listServices } from '../store/services.js';
import { sourceKindOf } from '../sources/index.js';
import type { ServiceCard } from './service-cards.js';
import * as ops from './index.js';
import { type MetricsView, serviceMetrics } from './metrics.js';

export const SERVICE_TABS = { overview: 'Overview', deployments: 'Deployments', metrics: 'Metrics', variables: 'Variables', jobs: 'Jobs', settings: 'Settings', logs: 'Logs' } as const;
export type ServiceTab = keyof typeof SERVICE_TABS;

/** The URL of a tab of a service in an environment. */
export const serviceTabUrl = (s: { project: string; service: string; environment: string }, tab: ServiceTab) =>
  `/projects/${s.project}/services/${s.service}${tab === 'overview' ? '' : `/${tab}`}?env=${s.environment}`;

export interface GitAccessView {
  pushUrl: string;
  webhook: { url: string; secret: string | null };
  deployKey: string | null;
  httpsToken: string | null;
}

/** What every tab of the service page shows (views/pages/service/common.ts adds the page's frame). */
export interface ServicePageData {
  tab: ServiceTab;
  git?: GitAccessView;
  status: ops.InstanceStatus;
  environments: string[];
  variableNames: string[];
  /** Of each variable holding references: what they name, and what is missing (null: they resolve). */
  variableReferences: Record<string, { references: string[]; problem: string | null }>;
  deployments: ReturnType<typeof ops.toDeploymentView>[];
  /** The autoscaler's changes, shown among the deployments. */
  scaling: ops.ScaleEventView[];
  /** Custom domains of this environment (the generated one is in status.publicUrls). */
  domains: ops.DomainView[];
  /** Named volumes of this environment. */
  volumes: { name: string; mountPath: string; dockerVolume: string }[];
  /** Saved settings or variables the serving version does not run with yet. */
  pendingChanges: boolean;
  /** Which controls this user's role may use, by action of MAY (a viewer's page has none that change anything). */
  may: May;
  /** Metrics tab: the range's points and deployments. */
  metrics?: MetricsView;
  /** Jobs tab: each scheduled job with its newest runs (their output). */
  jobs?: (ops.CronJobView & { runs: ops.CronRunView[] })[];
  /** Settings tab: each volume's backup schedule, retention and newest backups, by volume name. */
  volumeBackups?: Record<string, { schedule: string | null; keep: number; nextRun: string | null; backups: ops.VolumeBackupView[] }>;
  /** Settings tab, for a service cloned from a repository: its previews of pull requests. */
  previews?: ops.PreviewSettingsView;
}

/** What a role may do, action by action, as the door says: what a page asks before it shows a control. */
export type May = Record<Action, boolean>;
export const mayAll = (who: { role?: string }): May => Object.fromEntries((Object.keys(MAY) as Action[]).map((a) => [a, mayDo(who, a)])) as May;

type Actor = Pick<User, 'id' | 'role' | 'email'>;

/** Each service and database of one environment with the state every view shows: a few queries
 *  and one shared task listing, however many there are. */
async function environmentStates(deps: Deps, project: { id: number; name: string }, environment: { id: number; name: string }) {
  const tasks = deps.daemon.ready ? await deps.runningTasks.summary().catch(() => null) : null;
  const instances = new Map((await listInstancesIn(deps.db, environment.id)).map((i) => [i.service_id, i]));
  const deployments = await deploymentsByInstance(deps.db, [environment.id]);
  const services = (await listServices(deps.db, project.id)).flatMap((svc) => {
    const instance = instances.get(svc.id);
    if (!instance) return [];
    const { latest, active } = deployments.get(`${svc.id}:${environment.id}`) ?? {};
    const found = tasks?.get(swarmServiceName({ project: project.name, service: svc.name, environment: environment.name }));
    const running = tasks ? (found?.running ?? 0) : null;
    const state = serviceState({ serving: active?.id ?? null, latest: latest ? { id: latest.id, status: latest.status, failureReason: latest.failure_reason } : null, running, replicas: instance.replicas, problem: found?.problem });
    return [{ svc, instance, latest, active, running, state }];
  });
  const databases = (await listDatabases(deps.db, environment.id)).map((d) => {
    const found = tasks?.get(databaseServiceName({ project: project.name, environment: environment.name, name: d.name }));
    return { name: d.name, state: databaseState({ running: tasks ? (found?.running ?? 0) : null, problem: found?.problem }) };
  });
  return { services, databases };
}

export interface DashboardWarning {
  /** Where the domain is managed: its service's Settings tab, or Spur's Settings page. */
  href: string;
  /** What needs attention: a domain, or a database with its project and environment. */
  subject: string;
  /** What is wrong, in words. */
  problem: string;
}

/** Certificates of the user's projects (and, for owners, Spur's own) that failed or expire
 *  within 14 days: the dashboard's warnings. */
export async function certificateWarnings(deps: Deps, user: Actor, now = new Date()): Promise<DashboardWarning[]> {
  const projects = await listProjectsFor(deps.db, user);
  const before = new Date(now.getTime() + WARN_BEFORE_DAYS * 86_400_000).toISOString();
  const problem = (d: { tls_status: string; tls_error: string | null; not_after: string | null }) =>
    d.tls_status === 'failed' ? `certificate failed: ${d.tls_error ?? 'unknown error'}` : `certificate expires in ${daysLeft(d.not_after!, now)} days`;
  const own = mayDo(user, 'settings.change') ? await spurDomain(deps.db) : undefined;
  const ownWarning = own && (own.tls_status === 'failed' || (own.not_after !== null && own.not_after < before)) ? [{ href: '/settings', subject: own.hostname, problem: problem(own) }] : [];
  const rows = await certificatesNeedingAttention(deps.db, projects.map((p) => p.id), before);
  return [...ownWarning, ...rows.map((r) => ({ href: serviceTabUrl({ project: r.project, service: r.service, environment: r.environment }, 'settings'), subject: r.hostname, problem: problem(r) }))];
}

/** Databases whose newest backup failed, or did not restore when verified: the dashboard's warnings. */
export async function backupWarnings(deps: Deps, user: Actor): Promise<DashboardWarning[]> {
  const projects = await listProjectsFor(deps.db, user);
  return (await failingLatestBackups(deps.db, projects.map((p) => p.id))).map((b) => ({
    href: `/projects/${b.project}/databases/${b.database_name}?env=${b.environment}`,
    subject: `${b.database_name} (${b.project}, ${b.environment})`,
    problem:
      b.status === 'failed' ? `backup ${b.id} failed: ${b.error ?? 'unknown error'}`
      : b.verified === 'failed' ? `backup ${b.id} did not restore: ${b.verify_detail ?? 'unknown error'}`
      : `backup ${b.id} was not copied to S3: ${b.remote_error ?? 'unknown error'}`,
  }));
}

/** A project's services in one environment, as cards: a few queries and one shared task listing
 *  for all of them, however many there are. */
export async function serviceCards(deps: Deps, user: Actor, projectName: string, environmentName: string): Promise<ServiceCard[]> {
  const project = await getProjectFor(deps.db, user, projectName, 'project.read');
  const environment = (await listEnvironments(deps.db, project.id)).find((e) => e.name === environmentName);
  if (!environment) return [];
  return (await environmentStates(deps, project, environment)).services.map(({ svc, instance, latest, active, running, state }) => {
    const shown = active ?? latest;
    return {
      name: svc.name,
      source: sourceKindOf(svc).card(svc),
      status: shown?.status ?? null,
      latest: latest && latest.id !== active?.id ? { id: latest.id, status: latest.status } : null,
      serving: active?.id ?? null,
      commit: active?.commit_sha ?? null,
      image: active?.image_tag ?? null,
      state,
      url: `http://${generatedDomain(instance.domain_label, deps.config.baseDomain)}`,
      running,
      replicas: instance.replicas,
      lastDeployAt: latest?.created_at ?? null,
    };
  });
}

/** What the service page's live regions show: status, deployments, pending changes. */
/** What cannot wait for an approval: in a protected environment a role that would ask may not (access.ts requireAtOnce). */
const AT_ONCE = ['run', 'jobs.change'] as const satisfies Action[];

export async function serviceLiveData(deps: Deps, ctx: AllowedInstance): Promise<Pick<ServicePageData, 'status' | 'deployments' | 'scaling' | 'pendingChanges' | 'may'>> {
  return {
    may: { ...mayAll(ctx), ...Object.fromEntries(AT_ONCE.map((a) => [a, mayDo(ctx, a) && !asksIn(ctx, a, ctx.environment)])) },
    status: await ops.instanceStatus(deps, ctx),
    deployments: (await ops.deploymentsOf(deps, ctx)).map(ops.toDeploymentView),
    scaling: await ops.scaleEventsOf(deps, ctx),
    pendingChanges: await hasPendingChanges(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id }, ctx.instance.changed_at),
  };
}

/** Runs of each job the Jobs tab shows. */
const RUNS_SHOWN = 5;
const jobsWithRuns = async (deps: Deps, ctx: AllowedInstance) =>
  Promise.all((await ops.cronJobsOf(deps, ctx)).map(async (j) => ({ ...j, runs: mayDo(ctx, 'logs.read') ? (await ops.cronRunsOf(deps, ctx, j.name)).slice(0, RUNS_SHOWN) : [] })));

/** Backups of each volume the Settings tab lists. */
const BACKUPS_SHOWN = 5;
async function volumeBackupsShown(deps: Deps, ctx: AllowedInstance) {
  const out: NonNullable<ServicePageData['volumeBackups']> = {};
  for (const v of await ops.volumesOf(deps, ctx)) {
    const view = await ops.volumeBackupsOf(deps, ctx, v.name);
    out[v.name] = { schedule: view.schedule, keep: view.keep, nextRun: view.nextRun, backups: view.backups.slice(0, BACKUPS_SHOWN) };
  }
  return out;
}

/** Everything the service page shows, for any tab. */

export async function servicePageData(deps: Deps, user: Actor, ctx: AllowedInstance, tab: ServiceTab, range?: unknown): Promise<ServicePageData> {
  return {
    metrics: tab === 'metrics' ? await serviceMetrics(deps, ctx, range) : undefined,
    jobs: tab === 'jobs' ? await jobsWithRuns(deps, ctx) : undefined,
    previews: tab === 'settings' && sourceKindOf(ctx.service).clones ? ops.previewSettingsOf(ctx.service) : undefined,
    volumeBackups: tab === 'settings' ? await volumeBackupsShown(deps, ctx) : undefined,
    ...(await serviceLiveData(deps, ctx)),
    tab,
    git: sourceKindOf(ctx.service).builds && mayDo(ctx, 'service.git-access') ? await ops.gitAccess(deps, ctx) : undefined,
    environments: (await listEnvironments(deps.db, ctx.project.id)).map((e) => e.name),
    variableNames: await ops.variableNames(deps, ctx),
    variableReferences: await ops.variableReferences(deps, ctx),
    domains: await ops.domainsOf(deps, ctx),
    volumes: await ops.volumesOf(deps, ctx),
  };
}
