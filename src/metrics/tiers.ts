// How long Spur keeps metrics, and how finely: a point a minute for a day, one per 10 minutes for a
// week, one an hour for 90 days. Each tier is a ring of slots (a point's slot is its window's
// number modulo the tier's slots), so the store holds at most the sum of slots per series, however
// long Spur runs: an old point is overwritten by the one a full turn later.
import type { MetricRange } from '../validate.js';

export interface Tier {
  tier: number;
  /** Seconds a point covers. */
  stepS: number;
  /** Points kept: stepS × slots is the span the tier shows. */
  slots: number;
}

export const TIERS: readonly Tier[] = [
  { tier: 0, stepS: 60, slots: 24 * 60 },
  { tier: 1, stepS: 600, slots: 7 * 24 * 6 },
  { tier: 2, stepS: 3600, slots: 90 * 24 },
];

export const spanS = (t: Tier) => t.stepS * t.slots;

/** The start (epoch seconds) of the window of `tier` that holds `atS`. */
export const windowStart = (t: Tier, atS: number) => Math.floor(atS / t.stepS) * t.stepS;

/** The slot of the window that starts at `startS`. */
export const slotOf = (t: Tier, startS: number) => Math.floor(startS / t.stepS) % t.slots;

/** The ranges a chart shows (src/validate.ts metricRange), each read from the finest tier that covers it. */
export const RANGES: Record<MetricRange, number> = { hour: 3600, day: 86_400, week: 7 * 86_400, '90d': 90 * 86_400 };

export function tierFor(range: MetricRange): Tier {
  return TIERS.find((t) => spanS(t) >= RANGES[range])!;
}

/** Windows of the coarser tiers that closed between two flushes (epoch seconds), oldest first:
 *  each is rolled up from the tier below once its last point is written. */
export function closedWindows(fromS: number, toS: number): { tier: Tier; startS: number }[] {
  const out: { tier: Tier; startS: number }[] = [];
  for (const t of TIERS.slice(1)) {
    // Windows that end in (fromS, toS], at most a tier's worth (Spur stopped for longer).
    const first = Math.max(windowStart(t, fromS), windowStart(t, toS) - spanS(t));
    for (let start = first; start + t.stepS <= toS; start += t.stepS) if (start + t.stepS > fromS) out.push({ tier: t, startS: start });
  }
  return out;
}
