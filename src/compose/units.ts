// Compose's durations (`1m30s`, `500ms`, `10s`) and byte sizes (`512m`, `1g`, `1048576`). Pure.

const DURATION_UNITS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Seconds, rounded up to whole ones; null when it is not a duration. */
export function durationSeconds(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(us|ms|s|m|h))+$/.test(value.trim())) return null;
  let seconds = 0;
  for (const [, n, , unit] of value.trim().matchAll(/(\d+(\.\d+)?)(us|ms|s|m|h)/g)) seconds += Number(n) * DURATION_UNITS[unit!]!;
  return Math.ceil(seconds);
}

/** Whole MiB, rounded up; null when it is not a size. */
export function sizeMb(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : '';
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/.exec(text);
  if (!match) return null;
  return Math.ceil((Number(match[1]) * BYTE_UNITS[match[2]!]!) / 1024 ** 2);
}
