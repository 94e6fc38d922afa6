// Whether a canary may go on, from the traffic both versions answered in the same minutes (Traefik's
// figures, src/metrics): it is stopped when its share of server errors or its latency is clearly
// worse than the old version's. Too few requests decide nothing. Pure.

export interface TrafficFigures {
  requests: number;
  errors5xx: number;
  /** 95th percentile latency in microseconds, null when unknown. */
  p95: number | null;
}

/** Fewer requests than this to the new version say nothing yet. */
export const MIN_REQUESTS = 20;

export function canaryVerdict(old: TrafficFigures | undefined, next: TrafficFigures | undefined): { ok: true } | { ok: false; reason: string } {
  if (!next || next.requests < MIN_REQUESTS) return { ok: true };
  const rate = (f: TrafficFigures | undefined) => (f && f.requests > 0 ? f.errors5xx / f.requests : 0);
  const [oldRate, nextRate] = [rate(old), rate(next)];
  const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
  if (nextRate >= 0.02 && nextRate > Math.max(oldRate * 2, oldRate + 0.01)) return { ok: false, reason: `${percent(nextRate)} of its requests failed with a server error, against ${percent(oldRate)} of the old version's` };
  if (next.p95 !== null && old?.p95 != null && next.p95 > Math.max(old.p95 * 1.5, old.p95 + 50_000)) {
    return { ok: false, reason: `its 95th percentile latency is ${Math.round(next.p95 / 1000)} ms, against ${Math.round(old.p95 / 1000)} ms for the old version` };
  }
  return { ok: true };
}
