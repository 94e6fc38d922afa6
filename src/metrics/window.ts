// One series' samples within a window, summed so that the window's point is their means and
// highs (the units of migration 037). Pure.
import type { MetricPoint } from '../store/metrics.js';
import type { HttpUse } from './traefik.js';

/** One sample of a series: its tasks' counters summed. */
export interface Sample {
  /** Cores in use since the previous sample. */
  cores: number;
  memory: number;
  /** Null when a task has no limit. */
  memoryLimit: number | null;
  /** Bytes a second since the previous sample. */
  rx: number;
  tx: number;
  tasks: number;
  /** A server's: bytes used on its disk and the disk's size, and its 1-minute load average. */
  disk?: { used: number; size: number } | null;
  load?: number;
}

export class Window {
  private n = 0;
  private cores = 0;
  private coresMax = 0;
  private memory = 0;
  private memoryMax = 0;
  /** As the last sample had it: the limit at the window's end. */
  private memoryLimit: number | null = null;
  private rx = 0;
  private tx = 0;
  private tasks = 0;
  /** A server's, as the last sample that had them. */
  private disk: { used: number; size: number } | null = null;
  private load = 0;
  private loads = 0;
  private restarts = 0;
  /** Traefik's counts, when it serves the series; quantiles summed weighted by requests. */
  private http?: { requests: number; errors4xx: number; errors5xx: number; coveredS: number; q: Record<'p50' | 'p95' | 'p99', { sum: number; weight: number }> };

  constructor(readonly startS: number) {}

  add(s: Sample): void {
    this.n++;
    this.cores += s.cores;
    this.coresMax = Math.max(this.coresMax, s.cores);
    this.memory += s.memory;
    this.memoryMax = Math.max(this.memoryMax, s.memory);
    this.memoryLimit = s.memoryLimit;
    this.rx += s.rx;
    this.tx += s.tx;
    this.tasks = Math.max(this.tasks, s.tasks);
    if (s.disk) this.disk = s.disk;
    if (s.load !== undefined) (this.load += s.load), this.loads++;
  }

  /** A task of the series ended on its own (it may have had no sample: nothing else ran). */
  addRestart(): void {
    this.restarts++;
  }

  /** What Traefik counted for the series over `coveredS` seconds (since its last reading). */
  addHttp(u: HttpUse, coveredS: number): void {
    const h = (this.http ??= { requests: 0, errors4xx: 0, errors5xx: 0, coveredS: 0, q: { p50: { sum: 0, weight: 0 }, p95: { sum: 0, weight: 0 }, p99: { sum: 0, weight: 0 } } });
    h.requests += u.requests;
    h.coveredS += coveredS;
    h.errors4xx += u.errors4xx;
    h.errors5xx += u.errors5xx;
    for (const k of ['p50', 'p95', 'p99'] as const) {
      const v = u[k];
      if (v !== null) (h.q[k].sum += v * u.requests), (h.q[k].weight += u.requests);
    }
  }

  get empty(): boolean {
    return this.n === 0 && this.restarts === 0 && !this.http;
  }

  /** Counts for a minute (the readings' counts scaled by 60 s over the time they covered, which
   *  is rarely a minute exactly), latencies in microseconds, as migration 040 keeps them. */
  private httpPoint(h: NonNullable<Window['http']>) {
    const perMinute = (n: number) => Math.round((n * 60) / h.coveredS);
    const q = (k: 'p50' | 'p95' | 'p99') => (h.q[k].weight ? Math.round((h.q[k].sum / h.q[k].weight) * 1000) : null);
    return { requests: perMinute(h.requests), errors_4xx: perMinute(h.errors4xx), errors_5xx: perMinute(h.errors5xx), p50: q('p50'), p95: q('p95'), p99: q('p99') };
  }

  point(): MetricPoint {
    const n = Math.max(1, this.n);
    return {
      at: this.startS,
      cpu: Math.round((this.cores / n) * 1000),
      cpu_max: Math.round(this.coresMax * 1000),
      memory: Math.round(this.memory / n),
      memory_max: Math.round(this.memoryMax),
      memory_limit: this.memoryLimit === null ? null : Math.round(this.memoryLimit),
      rx: Math.round(this.rx / n),
      tx: Math.round(this.tx / n),
      tasks: this.tasks,
      ...(this.disk ? { disk: Math.round(this.disk.used), disk_size: Math.round(this.disk.size) } : {}),
      ...(this.loads ? { load: Math.round((this.load / this.loads) * 1000) } : {}),
      ...(this.restarts ? { restarts: this.restarts } : {}),
      ...(this.http ? this.httpPoint(this.http) : {}),
    };
  }
}

/** A task's counters at one moment. */
export interface Counters {
  /** When they were read, by a clock that only goes forward (seconds). */
  atS: number;
  cpuS: number;
  memory: number;
  memoryLimit: number | null;
  rx: number;
  tx: number;
}

/** What a task used between two readings: rates over the time between them. Null when there is no
 *  earlier reading or a counter went back (the container was replaced). */
export function rates(before: Counters | undefined, now: Counters): { cores: number; rx: number; tx: number } | null {
  if (!before) return null;
  const dt = now.atS - before.atS;
  if (dt <= 0 || now.cpuS < before.cpuS || now.rx < before.rx || now.tx < before.tx) return null;
  return { cores: (now.cpuS - before.cpuS) / dt, rx: (now.rx - before.rx) / dt, tx: (now.tx - before.tx) / dt };
}
