import { describe, expect, it } from 'vitest';
import { silentLog } from '../log.js';
import { TrustedProxies } from './trusted-proxies.js';

const setup = (answers: (string[] | Error)[]) => {
  let now = 0;
  let lookups = 0;
  const proxies = new TrustedProxies({
    discover: async () => {
      const answer = answers[Math.min(lookups++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    log: silentLog,
    intervalMs: 10_000,
    now: () => now,
  });
  return { proxies, advance: (ms: number) => (now += ms), lookups: () => lookups };
};

describe('TrustedProxies', () => {
  it('trusts no one before the first look, and looks once for many unknown peers at once', async () => {
    const t = setup([['172.18.0.3']]);
    expect(t.proxies.has('172.18.0.3')).toBe(false);
    await Promise.all(['203.0.113.1', '203.0.113.2', '::ffff:172.18.0.3'].map((p) => t.proxies.refreshFor(p)));
    expect(t.lookups()).toBe(1);
    expect(t.proxies.has('::ffff:172.18.0.3')).toBe(true);
    expect(t.proxies.has('203.0.113.1')).toBe(false);
  });

  it('looks again for an unknown peer once the interval has passed (Traefik replaced, new address)', async () => {
    const t = setup([['172.18.0.3'], ['172.18.0.9']]);
    await t.proxies.refreshFor('172.18.0.9');
    expect(t.proxies.has('172.18.0.9')).toBe(false);
    t.advance(9_999);
    await t.proxies.refreshFor('172.18.0.9');
    expect(t.lookups()).toBe(1);
    t.advance(1);
    await t.proxies.refreshFor('172.18.0.9');
    expect(t.lookups()).toBe(2);
    expect(t.proxies.has('172.18.0.9')).toBe(true);
    expect(t.proxies.has('172.18.0.3')).toBe(false);
    // A known peer costs no look.
    t.advance(60_000);
    await t.proxies.refreshFor('172.18.0.9');
    expect(t.lookups()).toBe(2);
  });

  it('trusts no one after a failed look', async () => {
    const t = setup([['172.18.0.3'], new Error('Docker is not reachable')]);
    await t.proxies.refreshFor('203.0.113.1');
    expect(t.proxies.has('172.18.0.3')).toBe(true);
    t.advance(10_000);
    await t.proxies.refreshFor('203.0.113.1');
    expect(t.proxies.has('172.18.0.3')).toBe(false);
  });
});
