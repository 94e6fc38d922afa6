import { describe, expect, it } from 'vitest';
import { canaryVerdict } from './canary-verdict.js';

// Minutes as Traefik's figures recorded them (requests, 5xx answers, p95 in µs).
const old = { requests: 900, errors5xx: 2, p95: 40_000 };

describe('a canary on its recorded minutes', () => {
  it('goes on while it does as well as the old version, or has answered too little to judge', () => {
    expect(canaryVerdict(old, { requests: 100, errors5xx: 0, p95: 45_000 })).toEqual({ ok: true });
    expect(canaryVerdict(old, { requests: 100, errors5xx: 1, p95: 60_000 })).toEqual({ ok: true });
    expect(canaryVerdict(old, { requests: 10, errors5xx: 10, p95: 900_000 })).toEqual({ ok: true });
    expect(canaryVerdict(old, undefined)).toEqual({ ok: true });
  });

  it('is stopped by a share of server errors clearly above the old version\'s', () => {
    expect(canaryVerdict(old, { requests: 100, errors5xx: 12, p95: 40_000 })).toEqual({ ok: false, reason: '12.0% of its requests failed with a server error, against 0.2% of the old version\'s' });
    expect(canaryVerdict(undefined, { requests: 50, errors5xx: 5, p95: null })).toMatchObject({ ok: false });
    // An old version failing as much is no reason to stop the new one.
    expect(canaryVerdict({ requests: 900, errors5xx: 90, p95: 40_000 }, { requests: 100, errors5xx: 11, p95: 40_000 })).toEqual({ ok: true });
  });

  it('is stopped by a latency clearly above the old version\'s', () => {
    expect(canaryVerdict(old, { requests: 100, errors5xx: 0, p95: 400_000 })).toEqual({ ok: false, reason: 'its 95th percentile latency is 400 ms, against 40 ms for the old version' });
    expect(canaryVerdict({ ...old, p95: null }, { requests: 100, errors5xx: 0, p95: 400_000 })).toEqual({ ok: true });
  });
});
