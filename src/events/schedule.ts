// When a delivery that failed is tried again: after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h and
// 12 h, then no more (nine attempts over about 17 hours). Pure.
export const RETRY_WAITS_S = [10, 30, 120, 600, 1800, 3600, 3 * 3600, 12 * 3600];

export const ATTEMPTS_MAX = RETRY_WAITS_S.length + 1;

/** After `attempts` failed attempts (counting the one just made), when to try again; null: give up. */
export function retryAt(attempts: number, now: Date): string | null {
  const wait = RETRY_WAITS_S[attempts - 1];
  return wait === undefined ? null : new Date(now.getTime() + wait * 1000).toISOString();
}
