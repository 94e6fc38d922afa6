// GET /metrics: every service's, database's and server's newest minute in Prometheus's format
// (src/metrics/prometheus.ts), for an owner's token: it shows every project.
import type { Deps } from '../deps.js';
import { swarmServiceName } from '../docker/names.js';
import { type Family, renderPrometheus } from '../metrics/prometheus.js';
import { serverSeries } from '../metrics/sampler.js';
import { type MetricPoint, newestMinutes } from '../store/metrics.js';
import { listNodes } from '../store/nodes.js';
import { type Actor, requireTo } from './access.js';
import { serverNameOf } from './servers.js';

/** Minutes older than this are not said: the series stopped (a service removed, Spur was away). */
const FRESH_S = 180;

type Figure = { name: string; help: string; value: (p: MetricPoint) => number | null | undefined };

const COMMON: Figure[] = [
  { name: 'cpu_cores', help: 'CPU cores in use (the newest minute\'s mean)', value: (p) => p.cpu / 1000 },
  { name: 'memory_bytes', help: 'memory in use, bytes (the newest minute\'s mean)', value: (p) => p.memory },
  { name: 'network_receive_bytes_per_second', help: 'bytes received a second (the newest minute\'s mean)', value: (p) => p.rx },
  { name: 'network_transmit_bytes_per_second', help: 'bytes sent a second (the newest minute\'s mean)', value: (p) => p.tx },
  { name: 'tasks', help: 'tasks running (the most in the newest minute)', value: (p) => p.tasks },
];

const FIGURES: Record<'service' | 'database' | 'server', Figure[]> = {
  service: [
    ...COMMON,
    { name: 'memory_limit_bytes', help: 'memory limit of its tasks together, bytes (absent without a limit)', value: (p) => p.memory_limit },
    { name: 'http_requests_per_second', help: 'requests a second as Traefik counted them (the newest minute; absent where Traefik does not serve it)', value: (p) => (p.requests == null ? null : p.requests / 60) },
    { name: 'http_5xx_per_second', help: 'requests a second answered 5xx (the newest minute)', value: (p) => (p.errors_5xx == null ? null : p.errors_5xx / 60) },
    { name: 'http_latency_p99_seconds', help: '99th percentile of the time Traefik took to answer (the newest minute)', value: (p) => (p.p99 == null ? null : p.p99 / 1e6) },
  ],
  database: [...COMMON, { name: 'memory_limit_bytes', help: 'memory limit, bytes (absent without a limit)', value: (p) => p.memory_limit }],
  server: [
    ...COMMON,
    { name: 'memory_total_bytes', help: 'memory of the server, bytes', value: (p) => p.memory_limit },
    { name: 'disk_used_bytes', help: 'bytes used on the disk Docker keeps its data on', value: (p) => p.disk },
    { name: 'disk_size_bytes', help: 'size of the disk Docker keeps its data on, bytes', value: (p) => p.disk_size },
    { name: 'load1', help: '1-minute load average (the newest minute\'s mean)', value: (p) => (p.load == null ? null : p.load / 1000) },
  ],
};

export async function prometheusMetrics(deps: Deps, user: Actor, nowMs = Date.now()): Promise<string> {
  await requireTo(deps, user, 'projects.every', { what: 'the metrics of every project' });
  const stored = await newestMinutes(deps.db, Math.floor(nowMs / 1000) - FRESH_S);
  // The newest whole minute; the one in progress only for a series that has none yet (it may lack
  // figures read once a minute, such as Traefik's).
  const newest = (series: string) => stored.get(series) ?? deps.metrics.current(series);
  const instances = await deps.db
    .selectFrom('service_instances as i')
    .innerJoin('services as s', 's.id', 'i.service_id')
    .innerJoin('environments as e', 'e.id', 'i.environment_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .select(['p.name as project', 's.name as name', 'e.name as environment'])
    .orderBy(['p.name', 's.name', 'e.name'])
    .execute();
  const databases = await deps.db
    .selectFrom('databases as d')
    .innerJoin('environments as e', 'e.id', 'd.environment_id')
    .innerJoin('projects as p', 'p.id', 'd.project_id')
    .select(['p.name as project', 'd.name as name', 'e.name as environment'])
    .orderBy(['p.name', 'd.name', 'e.name'])
    .execute();
  const records = await listNodes(deps.db);
  type Node = { ID: string; Spec: { Labels?: Record<string, string> }; Description: { Hostname: string } };
  const nodes = deps.daemon.ready ? ((await deps.swarmNodes.get().catch(() => [])) as Node[]) : [];
  const subjects = {
    service: instances.map((r) => ({ labels: { project: r.project, service: r.name, environment: r.environment }, series: swarmServiceName({ project: r.project, service: r.name, environment: r.environment }) })),
    database: databases.map((r) => ({ labels: { project: r.project, database: r.name, environment: r.environment }, series: swarmServiceName({ project: r.project, service: r.name, environment: r.environment }) })),
    server: nodes.map((n) => ({ labels: { server: serverNameOf(n, records) }, series: serverSeries(n.ID) })),
  };
  const families: Family[] = [];
  for (const kind of ['service', 'database', 'server'] as const) {
    const measured = subjects[kind].flatMap((s) => {
      const point = newest(s.series);
      return point ? [{ labels: s.labels, point }] : [];
    });
    for (const figure of FIGURES[kind]) {
      const samples = measured.flatMap(({ labels, point }) => {
        const value = figure.value(point);
        return value == null ? [] : [{ labels, value }];
      });
      families.push({ name: `spur_${kind}_${figure.name}`, help: `${kind === 'server' ? 'A server' : kind === 'service' ? 'A service' : 'A database'}'s ${figure.help}.`, samples });
    }
  }
  return renderPrometheus(families);
}
