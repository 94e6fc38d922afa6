// The installation as the alert rules read it, once a minute (src/alerts/rules/snapshot.ts): its
// services and databases with their newest minute of metrics, tasks and last deployment, its
// servers, certificates, backups and whether an update is out. Docker away: its facts are left out
// and said so, and the rules that read them wait.
import type { Deps } from '../deps.js';
import { swarmServiceName } from '../docker/names.js';
import type { AlertSnapshot } from '../alerts/rules/snapshot.js';
import { CERTIFICATE_WARN_DAYS } from '../alerts/rules/certificate.js';
import { serverSeries } from '../metrics/sampler.js';
import { certificatesNeedingAttention } from '../store/certificates.js';
import { newestCronRuns } from '../store/cron-jobs.js';
import { failingLatestBackups } from '../store/database-backups.js';
import { newestMinutes } from '../store/metrics.js';
import { listNodes } from '../store/nodes.js';
import { serverNameOf } from './servers.js';

/** A minute older than this is not read: the series stopped. */
const FRESH_S = 180;
const EXITS_WINDOW_S = 600;

export async function alertSnapshot(deps: Deps, nowS: number): Promise<AlertSnapshot> {
  const db = deps.db;
  const instances = await db
    .selectFrom('service_instances as i')
    .innerJoin('services as s', 's.id', 'i.service_id')
    .innerJoin('environments as e', 'e.id', 'i.environment_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .select(['p.id as projectId', 'p.name as project', 's.name as name', 'e.name as environment', 'i.service_id', 'i.environment_id', 'i.replicas', 'i.cpu_limit'])
    .execute();
  const finished = await db
    .selectFrom('deployments as d')
    .select(['d.id', 'd.service_id', 'd.environment_id', 'd.status', 'd.failure_reason'])
    .where('d.id', 'in', (eb) => eb.selectFrom('deployments').select((e) => e.fn.max('id').as('id')).where('status', 'in', ['active', 'failed']).groupBy(['service_id', 'environment_id']))
    .execute();
  const inFlight = await db.selectFrom('deployments').select(['service_id', 'environment_id']).where('status', 'in', ['queued', 'building', 'deploying']).execute();
  const active = await db.selectFrom('deployments').select(['service_id', 'environment_id']).where('status', '=', 'active').execute();
  const databases = await db
    .selectFrom('databases as d')
    .innerJoin('environments as e', 'e.id', 'd.environment_id')
    .innerJoin('projects as p', 'p.id', 'd.project_id')
    .select(['p.id as projectId', 'p.name as project', 'd.name as name', 'e.name as environment'])
    .execute();
  const docker = deps.daemon.ready;
  const tasks = docker ? await deps.runningTasks.summary().catch(() => undefined) : undefined;
  const nodes = docker ? ((await deps.swarmNodes.get().catch(() => undefined)) as { ID: string; Spec: { Labels?: Record<string, string> }; Description: { Hostname: string }; Status?: { State?: string } }[] | undefined) : undefined;
  const records = await listNodes(db);
  const exits = await db.selectFrom('task_exits').select((eb) => ['series', eb.fn.countAll<number>().as('n')]).where('at', '>=', nowS - EXITS_WINDOW_S).groupBy('series').execute();
  const projectIds = [...new Set([...instances.map((i) => i.projectId), ...databases.map((d) => d.projectId)])];
  const projectId = new Map([...instances, ...databases].map((i) => [i.project, i.projectId]));
  const certificates = await certificatesNeedingAttention(db, projectIds, new Date((nowS + CERTIFICATE_WARN_DAYS * 86_400) * 1000).toISOString());
  const backups = await failingLatestBackups(db, projectIds);
  const key = (serviceId: number, environmentId: number) => `${serviceId}/${environmentId}`;
  const last = new Map(finished.map((d) => [key(d.service_id, d.environment_id), d]));
  const deploying = new Set(inFlight.map((d) => key(d.service_id, d.environment_id)));
  const serving = new Set(active.map((d) => key(d.service_id, d.environment_id)));
  // Backups of a database since removed say nothing of one that runs.
  const existing = new Set(databases.map((d) => `${d.projectId}/${d.environment}/${d.name}`));
  const complete = docker && !!tasks && !!nodes;
  return {
    nowS,
    docker: complete,
    services: instances.map((i) => {
      const series = swarmServiceName({ project: i.project, service: i.name, environment: i.environment });
      const d = last.get(key(i.service_id, i.environment_id));
      const t = tasks?.get(series);
      return {
        series,
        projectId: i.projectId,
        project: i.project,
        name: i.name,
        environment: i.environment,
        replicas: i.replicas,
        cpuLimit: i.cpu_limit,
        ...(tasks ? { running: t?.running ?? 0, problem: t?.problem } : {}),
        lastDeployment: d && { id: d.id, status: d.status, reason: d.failure_reason },
        serving: serving.has(key(i.service_id, i.environment_id)),
        deploying: deploying.has(key(i.service_id, i.environment_id)),
      };
    }),
    databases: databases.map((d) => ({ ...d, series: swarmServiceName({ project: d.project, service: d.name, environment: d.environment }) })),
    servers: (nodes ?? []).map((n) => ({ name: serverNameOf(n, records), series: serverSeries(n.ID), status: n.Status?.State ?? 'unknown' })),
    points: await newestMinutes(db, nowS - FRESH_S),
    recentExits: new Map(exits.map((e) => [e.series, Number(e.n)])),
    certificates: certificates.map((c) => ({ projectId: projectId.get(c.project)!, project: c.project, service: c.service, environment: c.environment, hostname: c.hostname, failed: c.tls_status === 'failed' ? (c.tls_error ?? '') : null, notAfter: c.not_after })),
    backups: backups.filter((b) => existing.has(`${projectId.get(b.project)}/${b.environment}/${b.database_name}`)).map((b) => ({ projectId: projectId.get(b.project)!, project: b.project, database: b.database_name, environment: b.environment, why: b.status === 'failed' ? 'failed' : b.verified === 'failed' ? 'did not restore in its check' : 'was not copied to S3' })),
    jobs: (await newestCronRuns(db)).map((r) => ({ projectId: r.project_id, project: r.project, service: r.service, environment: r.environment, job: r.job, run: { id: r.id, status: r.status, reason: r.reason } })),
    update: deps.updates.available ? { version: deps.updates.available.version } : undefined,
  };
}
