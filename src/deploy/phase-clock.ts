// Where a deployment's seconds go: the phases it passes, each timed, and the line that ends its
// log. The names are what `bench:deploy` reads back.
import type { QueryTime } from '../db/query-time.js';

export const PHASES = ['queue', 'fetch', 'context', 'build', 'build upkeep', 'spec', 'release', 'update', 'start', 'first probe', 'monitor'] as const;
export type Phase = (typeof PHASES)[number];

export class PhaseClock {
  private readonly spent = new Map<Phase, number>();
  private current?: { phase: Phase; since: number };
  private earliest: number;
  /** Time spent in SQLite meanwhile (see db/query-time.ts), across all phases. */
  readonly records: QueryTime = { ms: 0 };

  constructor(private readonly now: () => number = Date.now) {
    this.earliest = now();
  }

  /** Ends the phase that runs and begins `phase`, at `since` for one that began earlier. */
  enter(phase: Phase, since = this.now()): void {
    this.stop(since);
    this.current = { phase, since };
    this.earliest = Math.min(this.earliest, since);
  }

  stop(at = this.now()): void {
    if (this.current) this.spent.set(this.current.phase, (this.spent.get(this.current.phase) ?? 0) + Math.max(0, at - this.current.since));
    this.current = undefined;
  }

  line(): string {
    const at = this.now();
    this.stop(at);
    return timingsLine(this.spent, this.records.ms, at - this.earliest);
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** `Timings: fetch 0.21 s · … · records 0.04 s (within those) · total 2.95 s`. Pure. */
export function timingsLine(spent: ReadonlyMap<Phase, number>, recordsMs: number, totalMs: number): string {
  const phases = PHASES.filter((p) => spent.has(p)).map((p) => `${p} ${s(spent.get(p)!)}`);
  return `Timings: ${[...phases, `records ${s(recordsMs)} (within those)`, `total ${s(totalMs)}`].join(' · ')}`;
}

/** The phases of a timings line, in ms; undefined for another line. Pure. */
export function readTimings(line: string): Record<string, number> | undefined {
  const m = /^Timings: (.*)$/.exec(line.trim());
  if (!m) return undefined;
  const out: Record<string, number> = {};
  for (const part of m[1]!.split(' · ')) {
    const p = /^(.+?) (\d+\.\d+) s/.exec(part);
    if (p) out[p[1]!] = Math.round(Number(p[2]) * 1000);
  }
  return out;
}
