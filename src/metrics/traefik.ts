// HTTP figures per service from what Traefik already counts (its Prometheus metrics, read from its
// metrics entry point; nothing is put into the app): requests by status class, and latency
// quantiles from its duration histogram, as differences between two readings. Pure.

/** One service's counters in one reading, summed over methods, protocols and codes. */
export interface HttpCounters {
  requests: number;
  /** Requests by status class: 1–5 for 1xx–5xx. */
  byClass: Record<number, number>;
  /** The duration histogram: cumulative counts by upper bound in seconds (+Inf last). */
  buckets: Map<number, number>;
}

/** What a service answered between two readings. Latencies in milliseconds; null without requests. */
export interface HttpUse {
  requests: number;
  errors4xx: number;
  errors5xx: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Traefik's service metrics by Swarm service name (its service label less the provider suffix). */
export function parseTraefikMetrics(text: string): Map<string, HttpCounters> {
  const out = new Map<string, HttpCounters>();
  const of = (service: string) => {
    let c = out.get(service);
    if (!c) out.set(service, (c = { requests: 0, byClass: {}, buckets: new Map() }));
    return c;
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith('traefik_service_request')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(LABEL)].map((l) => [l[1], l[2]]));
    const value = Number(m[3]);
    const service = labels.service?.replace(/@[a-z]+$/, '');
    if (!service || !Number.isFinite(value)) continue;
    if (m[1] === 'traefik_service_requests_total') {
      const c = of(service);
      c.requests += value;
      const cls = Math.floor(Number(labels.code) / 100);
      if (cls >= 1 && cls <= 5) c.byClass[cls] = (c.byClass[cls] ?? 0) + value;
    } else if (m[1] === 'traefik_service_request_duration_seconds_bucket' && labels.le !== undefined) {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      if (Number.isNaN(le)) continue;
      const b = of(service).buckets;
      b.set(le, (b.get(le) ?? 0) + value);
    }
  }
  return out;
}

/** The requests between two readings; Traefik restarted in between (a counter went back): all
 *  of the newer reading counts, as Prometheus's increase() takes it. */
export function httpUse(before: HttpCounters | undefined, now: HttpCounters): HttpUse | null {
  if (!before) return null;
  const reset = now.requests < before.requests;
  const base = reset ? { requests: 0, byClass: {}, buckets: new Map<number, number>() } : before;
  const cls = (n: number) => Math.max(0, (now.byClass[n] ?? 0) - ((base.byClass as Record<number, number>)[n] ?? 0));
  const buckets = [...now.buckets].map(([le, count]) => [le, Math.max(0, count - (base.buckets.get(le) ?? 0))] as [number, number]).sort((a, b) => a[0] - b[0]);
  const q = (p: number) => {
    const v = quantile(buckets, p);
    return v === null ? null : v * 1000;
  };
  return { requests: now.requests - base.requests, errors4xx: cls(4), errors5xx: cls(5), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

/** A quantile of a cumulative histogram, interpolated within its bucket as Prometheus's
 *  histogram_quantile does; the highest finite bound when it falls in +Inf; null when empty. */
export function quantile(buckets: readonly [number, number][], q: number): number | null {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let [lowerBound, lowerCount] = [0, 0];
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / Math.max(count - lowerCount, Number.EPSILON));
    }
    [lowerBound, lowerCount] = [le, count];
  }
  return lowerBound;
}
