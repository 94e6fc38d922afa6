// App tier: the login limits see through Spur's own proxy and hold per account (issue 25, item 7).
// Requests carry the TCP peer a real socket would have (Hono's node adapter reads it from
// env.incoming.socket); Traefik is the peer 172.18.0.3, as Docker reports it on docker_gwbridge.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Deps } from '../deps.js';
import { silentLog } from '../log.js';
import { TrustedProxies } from '../routing/trusted-proxies.js';
import { hashPassword } from '../secrets.js';
import { createUser } from '../store/users.js';
import { createApp } from './app.js';
import { ORIGIN, SETUP_TOKEN, makeTestDeps } from '../../test/app-fixture.js';

const TRAEFIK = '172.18.0.3';
let deps: Deps;
let app: ReturnType<typeof createApp>;
let lookups = 0;

beforeEach(async () => {
  deps = await makeTestDeps();
  lookups = 0;
  deps.proxies = new TrustedProxies({ discover: async () => (lookups++, [TRAEFIK]), log: silentLog });
  app = createApp(deps);
});
afterEach(() => vi.useRealTimers());

const users = async () => {
  const passwordHash = await hashPassword('a long password');
  await createUser(deps.db, { email: 'you@example.com', passwordHash, role: 'owner' });
  await createUser(deps.db, { email: 'other@example.com', passwordHash, role: 'member' });
  deps.setup.claim();
};

/** A login form post as it reaches Spur: from `peer`, with the X-Forwarded-For it carries. */
const login = (opts: { peer: string; forwardedFor?: string; email?: string; password?: string; cookie?: string }) =>
  app.request(
    '/login',
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: ORIGIN,
        ...(opts.forwardedFor ? { 'X-Forwarded-For': opts.forwardedFor } : {}),
        ...(opts.cookie ? { Cookie: opts.cookie } : {}),
      },
      body: new URLSearchParams({ email: opts.email ?? 'you@example.com', password: opts.password ?? 'wrong password!' }).toString(),
    },
    { incoming: { socket: { remoteAddress: opts.peer, remoteFamily: 'IPv4' } } },
  );
const viaTraefik = (client: string, rest: { email?: string; password?: string; cookie?: string; forged?: string } = {}) =>
  login({ peer: TRAEFIK, forwardedFor: rest.forged ? `${rest.forged}, ${client}` : client, ...rest });
const statuses = (results: Response[]) => results.map((r) => r.status).sort();
const count = (results: Response[], status: number) => results.filter((r) => r.status === status).length;

describe('behind Traefik (Spur on its own domain)', { timeout: 30_000 }, () => {
  it("one client's failed logins do not lock out another client", async () => {
    await users();
    const attacker = await Promise.all(Array.from({ length: 12 }, (_, i) => viaTraefik('198.51.100.66', { email: `guess${i}@example.com` })));
    expect(count(attacker, 401)).toBe(10);
    expect(count(attacker, 429)).toBe(2);
    const victim = await viaTraefik('198.51.100.2', { password: 'a long password' });
    expect(victim.status).toBe(303);
    expect(victim.headers.get('location')).toBe('/');
  });

  it('a forged X-Forwarded-For buys no more guesses: the address Traefik appended is the one counted', async () => {
    await users();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => viaTraefik('198.51.100.66', { email: `guess${i}@example.com`, forged: `10.0.${i}.1` })));
    expect(count(results, 401)).toBe(10);
    expect(count(results, 429)).toBe(20);
    expect((await viaTraefik('198.51.100.66', { password: 'a long password', forged: '198.51.100.2' })).status).toBe(429);
    expect((await viaTraefik('198.51.100.2', { password: 'a long password' })).status).toBe(303);
  });

  it('a peer that is not the proxy cannot name another client: its own address is counted', async () => {
    await users();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login({ peer: '203.0.113.50', forwardedFor: `198.51.100.${i}`, email: `guess${i}@example.com` })));
    expect(count(results, 401)).toBe(10);
    expect(count(results, 429)).toBe(20);
  });

  it('looks the proxy up again when a peer is not on its list, at most once per interval', async () => {
    await users();
    await Promise.all(Array.from({ length: 5 }, (_, i) => login({ peer: `203.0.113.${i}`, email: `guess${i}@example.com` })));
    expect(lookups).toBe(1);
    await viaTraefik('198.51.100.2', { password: 'a long password' });
    expect(lookups).toBe(1);
  });

  it('setup claims are counted per client behind Traefik as well', async () => {
    const setup = (client: string, token: string) =>
      app.request('/setup', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'X-Forwarded-For': client }, body: new URLSearchParams({ token, email: 'o@example.com', password: 'a long password' }).toString() }, { incoming: { socket: { remoteAddress: TRAEFIK } } });
    const guesses = await Promise.all(Array.from({ length: 12 }, () => setup('198.51.100.66', 'guess')));
    expect(statuses(guesses)).toEqual([...Array(10).fill(403), 429, 429]);
    expect((await setup('198.51.100.2', SETUP_TOKEN)).status).toBe(303);
  });
});

describe('per account', { timeout: 30_000 }, () => {
  it('checks at most 10 of 30 simultaneous wrong passwords for one account from 30 addresses', async () => {
    await users();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login({ peer: `198.51.100.${i + 1}` })));
    expect(count(results, 401)).toBe(10);
    expect(count(results, 429)).toBe(20);
    expect(await (results.find((r) => r.status === 429)!).text()).toContain('Too many failed logins. Wait 15 minutes and try again.');
    // The right password from a new address waits too; another account does not.
    expect((await login({ peer: '198.51.100.200', password: 'a long password' })).status).toBe(429);
    expect((await login({ peer: '198.51.100.200', email: 'other@example.com', password: 'a long password' })).status).toBe(303);
  });

  it('counts unknown emails alike, so the limit does not tell which accounts exist', async () => {
    await users();
    const known = await Promise.all(Array.from({ length: 11 }, (_, i) => login({ peer: `198.51.100.${i + 1}` })));
    const unknown = await Promise.all(Array.from({ length: 11 }, (_, i) => login({ peer: `198.51.100.${i + 101}`, email: 'nobody@example.com' })));
    expect(statuses(unknown)).toEqual(statuses(known));
  });

  it('locks for the window only: attempts refused meanwhile do not extend it', async () => {
    await users();
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-12-05T05:00:00Z').getTime();
    vi.setSystemTime(start);
    await Promise.all(Array.from({ length: 10 }, (_, i) => login({ peer: `198.51.100.${i + 1}` })));
    vi.setSystemTime(start + 14 * 60_000);
    expect((await login({ peer: '198.51.100.99' })).status).toBe(429);
    expect((await login({ peer: '198.51.100.99', password: 'a long password' })).status).toBe(429);
    vi.setSystemTime(start + 15 * 60_000 + 1000);
    expect((await login({ peer: '198.51.100.99', password: 'a long password' })).status).toBe(303);
  });

  it('does not lock out a browser that logged in to the account before; that browser has its own 10', async () => {
    await users();
    const first = await login({ peer: '198.51.100.7', password: 'a long password' });
    expect(first.status).toBe(303);
    const device = /spur_device=[^;]+/.exec(first.headers.get('set-cookie') ?? '')?.[0];
    expect(device).toBeDefined();
    const other = /spur_device=[^;]+/.exec((await login({ peer: '198.51.100.8', email: 'other@example.com', password: 'a long password' })).headers.get('set-cookie') ?? '')![0];
    // An attacker locks the account from many addresses.
    await Promise.all(Array.from({ length: 10 }, (_, i) => login({ peer: `203.0.113.${i + 1}` })));
    expect((await login({ peer: '198.51.100.9', password: 'a long password' })).status).toBe(429);
    // Another account's browser, or a tampered cookie, counts against the account.
    expect((await login({ peer: '198.51.100.9', password: 'a long password', cookie: other })).status).toBe(429);
    expect((await login({ peer: '198.51.100.9', password: 'a long password', cookie: `${device}x` })).status).toBe(429);
    expect((await login({ peer: '198.51.100.9', password: 'a long password', cookie: device })).status).toBe(303);
    // Its own guesses are limited all the same.
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => login({ peer: `198.51.100.${i + 20}`, cookie: device })));
    expect(count(guesses, 401)).toBe(10);
    expect(count(guesses, 429)).toBe(2);
  });

  it("a browser's own count ends when the account's password changes (a former holder of the cookie gets no guesses of its own)", async () => {
    await users();
    const first = await login({ peer: '198.51.100.7', password: 'a long password' });
    const device = /spur_device=[^;]+/.exec(first.headers.get('set-cookie') ?? '')![0];
    await deps.db.updateTable('users').set({ password_hash: await hashPassword('a new long password') }).where('email', '=', 'you@example.com').execute();
    await Promise.all(Array.from({ length: 10 }, (_, i) => login({ peer: `203.0.113.${i + 1}` })));
    expect((await login({ peer: '198.51.100.9', password: 'a new long password', cookie: device })).status).toBe(429);
  });
});
