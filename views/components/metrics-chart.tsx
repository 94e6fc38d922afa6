// Metrics charts, drawn on the server as SVG: CPU, memory against its limit, and network for a
// service or a database; the same plus disk and load for a server. Deployments are marked on the
// time axis. The lines stretch to any width (chart-geometry.ts); the labels are HTML, in the page's
// colours, so a chart reads at 390 px and in dark mode. A range switches in place, and the hour's
// charts refresh each minute.
import type { MetricPointView, MetricsView } from '../../src/actions/metrics.js';
import type { MetricRange } from '../../src/validate.js';
import { EXITS_KEPT } from '../../src/store/metrics.js';
import { BOX, type Frame, areaPath, linePath, niceTop, percentOf, xOf } from './chart-geometry.js';
import { Time, formatTime } from './time.js';

const RANGE_WORDS: Record<MetricRange, string> = { hour: 'Hour', day: 'Day', week: 'Week', '90d': '90 days' };

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
export function formatBytes(n: number): string {
  let i = 0;
  while (Math.abs(n) >= 1024 && i < BINARY.length - 1) (n /= 1024), i++;
  return `${i === 0 ? Math.round(n) : n.toFixed(n < 10 ? 1 : 0)} ${BINARY[i]}`;
}
const formatCores = (n: number) => `${n < 0.1 ? n.toFixed(3) : n.toFixed(2)} ${n === 1 ? 'core' : 'cores'}`;
const formatRate = (n: number) => `${formatBytes(n)}/s`;
const formatLoad = (n: number) => n.toFixed(2);

type Point = MetricPointView & { atS: number };

interface LineSpec {
  label: string;
  /** The line's class (its colour): a, b or limit. */
  tone: 'a' | 'b' | 'limit';
  value: (p: Point) => number | null;
  /** Drawn with the area under it filled. */
  area?: boolean;
}

interface ChartSpec {
  title: string;
  format: (n: number) => string;
  base: 10 | 1024;
  lines: LineSpec[];
  /** Only for points that carry it (a server's disk and load). */
  when?: (p: Point) => boolean;
}

const CHARTS: ChartSpec[] = [
  {
    title: 'CPU',
    format: formatCores,
    base: 10,
    lines: [
      { label: 'mean', tone: 'a', value: (p) => p.cpu, area: true },
      { label: 'highest sample', tone: 'b', value: (p) => p.cpuMax },
    ],
  },
  {
    title: 'Memory',
    format: formatBytes,
    base: 1024,
    lines: [
      { label: 'mean', tone: 'a', value: (p) => p.memory, area: true },
      { label: 'highest sample', tone: 'b', value: (p) => p.memoryMax },
      { label: 'limit', tone: 'limit', value: (p) => (p.disk === undefined ? p.memoryLimit : null) },
      { label: 'total', tone: 'limit', value: (p) => (p.disk === undefined ? null : p.memoryLimit) },
    ],
  },
  {
    title: 'Network',
    format: formatRate,
    base: 1024,
    lines: [
      { label: 'in', tone: 'a', value: (p) => p.rx, area: true },
      { label: 'out', tone: 'b', value: (p) => p.tx },
    ],
  },
  {
    title: 'Disk',
    format: formatBytes,
    base: 1024,
    when: (p) => p.disk !== undefined,
    lines: [
      { label: 'used', tone: 'a', value: (p) => p.disk ?? null, area: true },
      { label: 'size', tone: 'limit', value: (p) => p.diskSize ?? null },
    ],
  },
  {
    title: 'Requests',
    format: (n) => `${n < 10 ? n.toFixed(2) : Math.round(n)}/s`,
    base: 10,
    when: (p) => p.http !== undefined,
    lines: [
      { label: 'all', tone: 'a', value: (p) => p.http?.perSecond ?? null, area: true },
      { label: '5xx', tone: 'limit', value: (p) => p.http?.errors5xxPerSecond ?? null },
    ],
  },
  {
    title: 'Latency',
    format: (n) => (n < 1000 ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`),
    base: 10,
    when: (p) => p.http?.p50 != null,
    lines: [
      { label: 'p50', tone: 'a', value: (p) => p.http?.p50 ?? null, area: true },
      { label: 'p95', tone: 'b', value: (p) => p.http?.p95 ?? null },
      { label: 'p99', tone: 'limit', value: (p) => p.http?.p99 ?? null },
    ],
  },
  {
    title: 'Restarts',
    format: (n) => String(Math.round(n)),
    base: 10,
    when: (p) => p.restarts > 0,
    lines: [{ label: 'tasks that ended on their own', tone: 'limit', value: (p) => p.restarts }],
  },
  {
    title: 'Load',
    format: formatLoad,
    base: 10,
    when: (p) => p.load !== undefined,
    lines: [{ label: '1-minute load average', tone: 'a', value: (p) => p.load ?? null, area: true }],
  },
];

export interface MetricsChartsProps {
  view: MetricsView;
  /** The URL of these charts for a range (the fragment this renders). */
  url: (range: MetricRange) => string;
  /** What is measured, for the charts' descriptions: "web", "server node1". */
  subject: string;
  /** Why there may be no points (metrics off, a database not running). */
  empty?: string;
  /** Only these charts (by title), as on the dashboard. */
  only?: string[];
  nowMs?: number;
}

/** The charts of one range, with the links to the others. */
export function MetricsCharts(props: MetricsChartsProps) {
  const { view } = props;
  const toS = Math.floor((props.nowMs ?? Date.now()) / 1000);
  const frame = { fromS: toS - rangeSeconds(view), toS };
  const points: Point[] = view.points.map((p) => ({ ...p, atS: Date.parse(p.at) / 1000 }));
  const refresh = view.range === 'hour' ? { 'hx-get': props.url('hour'), 'hx-trigger': 'every 60s', 'hx-target': 'this', 'hx-swap': 'outerHTML' } : {};
  return (
    <section class="metrics" aria-label={`Metrics of ${props.subject}`} {...refresh}>
      <nav class="ranges" aria-label="Range">
        {(Object.keys(RANGE_WORDS) as MetricRange[]).map((r) => (
          <a href={props.url(r)} hx-get={props.url(r)} hx-target="closest section.metrics" hx-swap="outerHTML" aria-current={r === view.range ? 'true' : undefined}>{RANGE_WORDS[r]}</a>
        ))}
      </nav>
      {points.length === 0 ? (
        <p class="empty">{props.empty ?? `No samples in the last ${RANGE_WORDS[view.range].toLowerCase()} yet: they are taken every few seconds while it runs, and shown a minute at a time.`}</p>
      ) : (
        <div class="charts">
          {CHARTS.filter((c) => (!c.when || points.some(c.when)) && (!props.only || props.only.includes(c.title))).map((c) => <Chart spec={c} points={points} frame={frame} view={view} subject={props.subject} />)}
        </div>
      )}
      {!props.only && view.exits.length > 0 && <Exits exits={view.exits} />}
    </section>
  );
}

const rangeSeconds = (view: MetricsView) => ({ hour: 3600, day: 86_400, week: 7 * 86_400, '90d': 90 * 86_400 })[view.range];

function Chart(props: { spec: ChartSpec; points: Point[]; frame: { fromS: number; toS: number }; view: MetricsView; subject: string }) {
  const { spec, points, view } = props;
  const lines = spec.lines.map((l) => ({ ...l, points: points.flatMap((p) => { const v = l.value(p); return v === null ? [] : [{ atS: p.atS, value: v }]; }) })).filter((l) => l.points.length > 0);
  const highest = Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p.value)));
  const frame: Frame = { ...props.frame, top: niceTop(highest, spec.base) };
  const newest = lines[0]?.points.at(-1);
  const summary = `${spec.title} of ${props.subject} over the last ${RANGE_WORDS[view.range].toLowerCase()}: ${lines.map((l) => `${l.label} up to ${spec.format(Math.max(...l.points.map((p) => p.value)))}`).join(', ')}${newest ? `; latest ${spec.format(newest.value)}` : ''}.`;
  return (
    <figure class="chart">
      <figcaption>
        <strong>{spec.title}</strong>
        {newest && <span class="chart-now">{spec.format(newest.value)}</span>}
        <span class="chart-key">
          {lines.map((l) => <span class={`key key-${l.tone}`}>{l.label}</span>)}
        </span>
      </figcaption>
      <div class="plot">
        <span class="y-top">{spec.format(frame.top)}</span>
        <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} preserveAspectRatio="none" role="img" aria-label={summary}>
          <line class="grid" x1="0" x2={String(BOX.width)} y1={String(BOX.height / 2)} y2={String(BOX.height / 2)} vector-effect="non-scaling-stroke" />
          {view.deployments.map((d) => { const x = xOf(frame, Date.parse(d.at) / 1000).toFixed(1); return <line class={`deploy deploy-${d.status}`} x1={x} x2={x} y1="0" y2={String(BOX.height)} vector-effect="non-scaling-stroke" />; })}
          {lines.map((l) => l.area && <path class={`area area-${l.tone}`} d={areaPath(frame, l.points, view.stepS)} />)}
          {lines.map((l) => <path class={`line line-${l.tone}`} d={linePath(frame, l.points, view.stepS)} vector-effect="non-scaling-stroke" />)}
        </svg>
        <DeployMarks frame={frame} deployments={view.deployments} />
      </div>
      <div class="x-axis">
        <Time at={new Date(frame.fromS * 1000).toISOString()} />
        <span>now</span>
      </div>
    </figure>
  );
}

/** The deployments' numbers over the time axis; a number that would overlap the one before it is
 *  left to its line's tooltip-less mark (the deployment list has them all). */
function DeployMarks(props: { frame: Frame; deployments: MetricsView['deployments'] }) {
  let lastShown = -Infinity;
  const marks = [...props.deployments].sort((a, b) => a.at.localeCompare(b.at)).flatMap((d) => {
    const at = percentOf(props.frame, Date.parse(d.at) / 1000);
    if (at - lastShown < 6) return [];
    lastShown = at;
    return [{ ...d, left: at }];
  });
  return (
    <>
      {marks.map((d) => (
        <span class={`deploy-mark deploy-${d.status}`} style={`left:${Math.min(d.left, 94).toFixed(1)}%`} title={`Deployment #${d.id}, ${d.status}, ${formatTime(d.at)}`}>#{d.id}</span>
      ))}
    </>
  );
}

const EXITS_SHOWN = 20;

/** The tasks that ended on their own in the range, newest first. */
function Exits(props: { exits: MetricsView['exits'] }) {
  return (
    <>
      <h3>Exits</h3>
      <p class="muted">Tasks that ended without being asked to (a rollout, a scale-down or a drain stops tasks on purpose: those are not here); Swarm starts another as the service's restart policy allows.{props.exits.length > EXITS_SHOWN ? ` The newest ${EXITS_SHOWN} of ${props.exits.length}${props.exits.length >= EXITS_KEPT ? ' or more' : ''}.` : ''}</p>
      <table class="exits">
        <thead><tr><th>When</th><th>Replica</th><th>Why</th></tr></thead>
        <tbody>
          {props.exits.slice(0, EXITS_SHOWN).map((e) => (
            <tr><td data-label="When"><Time at={e.at} /></td><td data-label="Replica">{e.slot ?? '—'}</td><td data-label="Why">{e.reason}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Where the charts go on a page that does not wait for them: fetched once the page has loaded,
 *  with a link to them for a browser without JavaScript. */
export function MetricsPlaceholder(props: { url: string }) {
  return (
    <section class="metrics" hx-get={props.url} hx-trigger="load" hx-swap="outerHTML">
      <p class="muted">Loading charts… <noscript><a href={props.url}>Show the charts</a></noscript></p>
    </section>
  );
}
