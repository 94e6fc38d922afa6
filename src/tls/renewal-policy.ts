// When Spur orders a certificate: pure. Renewal starts 30 days before expiry; a failed order is
// retried after a back-off that doubles (1 h, 2 h, 4 h … at most a day), so Spur never comes near
// Let's Encrypt's limits (5 failed validations per hostname per hour), and never loops.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const RENEW_BEFORE_DAYS = 30;
export const WARN_BEFORE_DAYS = 14;

/** Milliseconds to wait after the `failures`-th failed order in a row (1-based). */
export function backoffMs(failures: number): number {
  return Math.min(HOUR * 2 ** Math.max(0, failures - 1), DAY);
}

export interface DomainTlsState {
  https: number;
  tls_status: string;
  tls_retry_at: string | null;
  /** The current certificate's expiry, if there is one. */
  not_after: string | null;
}

/** Whether an order for this domain is due at `now`. */
export function orderDue(d: DomainTlsState, now: Date): boolean {
  if (d.https !== 1 || d.tls_status === 'issuing') return false;
  if (d.tls_retry_at && Date.parse(d.tls_retry_at) > now.getTime()) return false;
  if (!d.not_after) return true;
  return Date.parse(d.not_after) - now.getTime() <= RENEW_BEFORE_DAYS * DAY;
}

/** Whole days left on a certificate (negative once expired). */
export const daysLeft = (notAfter: string, now: Date) => Math.floor((Date.parse(notAfter) - now.getTime()) / DAY);

export const expiresSoon = (notAfter: string, now: Date) => daysLeft(notAfter, now) < WARN_BEFORE_DAYS;
