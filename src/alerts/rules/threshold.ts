// Owners' and admins' own rules: a metric of a service, database or server above or below a value
// for a time. Each metric says what it reads of a minute's point and in which unit it is typed.
import type { MetricPoint } from '../../store/metrics.js';
import { type AlertPolicy } from '../lifecycle.js';
import { type Condition, MINUTE } from './kind.js';
import { type AlertSnapshot, type SubjectOf, databasePath, label, servicePath } from './snapshot.js';

export type Target = 'services' | 'databases' | 'servers';

interface Metric {
  label: string;
  unit: string;
  targets: readonly Target[];
  of(p: MetricPoint): number | null | undefined;
}

const ALL: readonly Target[] = ['services', 'databases', 'servers'];
const pct = (a: number | null | undefined, b: number | null | undefined) => (a == null || !b ? null : (100 * a) / b);

export const METRICS: Record<string, Metric> = {
  cpu: { label: 'CPU', unit: 'cores', targets: ALL, of: (p) => p.cpu / 1000 },
  memory: { label: 'Memory', unit: 'MiB', targets: ALL, of: (p) => p.memory / 1048576 },
  memory_percent: { label: 'Memory of its limit (of the server\'s total)', unit: '%', targets: ALL, of: (p) => pct(p.memory, p.memory_limit) },
  network_in: { label: 'Network in', unit: 'KiB/s', targets: ALL, of: (p) => p.rx / 1024 },
  network_out: { label: 'Network out', unit: 'KiB/s', targets: ALL, of: (p) => p.tx / 1024 },
  tasks: { label: 'Tasks running', unit: 'tasks', targets: ALL, of: (p) => p.tasks },
  restarts: { label: 'Restarts', unit: 'a minute', targets: ['services', 'databases'], of: (p) => p.restarts ?? 0 },
  requests: { label: 'Requests', unit: 'a minute', targets: ['services'], of: (p) => p.requests },
  errors_5xx: { label: '5xx answers', unit: 'a minute', targets: ['services'], of: (p) => p.errors_5xx },
  error_percent: { label: '5xx answers of all', unit: '%', targets: ['services'], of: (p) => pct(p.errors_5xx, p.requests) },
  p95: { label: 'Latency p95', unit: 'ms', targets: ['services'], of: (p) => (p.p95 == null ? null : p.p95 / 1000) },
  p99: { label: 'Latency p99', unit: 'ms', targets: ['services'], of: (p) => (p.p99 == null ? null : p.p99 / 1000) },
  disk_percent: { label: 'Disk used', unit: '%', targets: ['servers'], of: (p) => pct(p.disk, p.disk_size) },
  load: { label: 'Load (1 minute)', unit: '', targets: ['servers'], of: (p) => (p.load == null ? null : p.load / 1000) },
};

export interface ThresholdRule {
  id: number;
  projectId: number | null;
  name: string;
  target: Target;
  /** One service, database or server by name; null: each. */
  subject: string | null;
  metric: string;
  op: '>' | '<';
  value: number;
  forS: number;
}

export const thresholdKey = (rule: Pick<ThresholdRule, 'id'>) => `rule-${rule.id}`;

/** Fires after its time, is resolved after a quiet minute, reminds every 4 hours. */
export const thresholdPolicy = (rule: Pick<ThresholdRule, 'forS'>): AlertPolicy => ({ forS: rule.forS, clearS: MINUTE, repeatS: 4 * 60 * MINUTE });

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toString() : Number(n.toPrecision(3)).toString());

export function thresholdConditions(rule: ThresholdRule, s: AlertSnapshot): Condition[] {
  const metric = METRICS[rule.metric];
  if (!metric || !metric.targets.includes(rule.target)) return [];
  const inProject = (v: SubjectOf) => (rule.projectId === null || v.projectId === rule.projectId) && (rule.subject === null || v.name === rule.subject);
  const subjects: { series: string; projectId: number | null; says: string; path: string }[] =
    rule.target === 'services'
      ? s.services.filter(inProject).map((v) => ({ series: v.series, projectId: v.projectId, says: label(v), path: servicePath(v) }))
      : rule.target === 'databases'
        ? s.databases.filter(inProject).map((v) => ({ series: v.series, projectId: v.projectId, says: label(v), path: databasePath(v) }))
        : s.servers.filter((v) => rule.subject === null || v.name === rule.subject).map((v) => ({ series: v.series, projectId: null, says: `Server ${v.name}`, path: `/servers/${v.name}` }));
  return subjects.flatMap((subject) => {
    const point = s.points.get(subject.series);
    const value = point ? metric.of(point) : null;
    if (value == null || !(rule.op === '>' ? value > rule.value : value < rule.value)) return [];
    const unit = metric.unit ? ` ${metric.unit}` : '';
    return [{ key: `${thresholdKey(rule)}:${subject.series}`, projectId: rule.projectId ?? subject.projectId, title: `${subject.says}: ${metric.label.toLowerCase()} ${round(value)}${unit} (${rule.name})`, text: `Rule ${rule.name}: ${metric.label.toLowerCase()} ${rule.op} ${round(rule.value)}${unit}${rule.forS ? ` for ${Math.round(rule.forS / 60)} min` : ''}.`, path: subject.path }];
  });
}
