import { describe, expect, it } from 'vitest';
import { backoffMs, daysLeft, expiresSoon, orderDue } from './renewal-policy.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date('2026-11-25T12:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * DAY).toISOString();

describe('renewal policy', () => {
  it('backs off 1, 2, 4 … hours after failures in a row, at most a day', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffMs(n) / HOUR)).toEqual([1, 2, 4, 8, 16, 24, 24, 24]);
  });

  it('orders a new domain at once, renews within 30 days of expiry, not before', () => {
    expect(orderDue({ https: 1, tls_status: 'pending', tls_retry_at: null, not_after: null }, now)).toBe(true);
    expect(orderDue({ https: 1, tls_status: 'active', tls_retry_at: null, not_after: inDays(31) }, now)).toBe(false);
    expect(orderDue({ https: 1, tls_status: 'active', tls_retry_at: null, not_after: inDays(30) }, now)).toBe(true);
  });

  it('waits out a back-off, never orders twice at once, and never for a domain with HTTPS off', () => {
    expect(orderDue({ https: 1, tls_status: 'failed', tls_retry_at: new Date(now.getTime() + 1).toISOString(), not_after: null }, now)).toBe(false);
    expect(orderDue({ https: 1, tls_status: 'failed', tls_retry_at: now.toISOString(), not_after: null }, now)).toBe(true);
    expect(orderDue({ https: 1, tls_status: 'issuing', tls_retry_at: null, not_after: null }, now)).toBe(false);
    expect(orderDue({ https: 0, tls_status: 'pending', tls_retry_at: null, not_after: null }, now)).toBe(false);
  });

  it('counts whole days left and warns inside 14', () => {
    expect(daysLeft(inDays(14.5), now)).toBe(14);
    expect(expiresSoon(inDays(14.5), now)).toBe(false);
    expect(expiresSoon(inDays(13.9), now)).toBe(true);
    expect(daysLeft(inDays(-1), now)).toBe(-1);
  });
});
