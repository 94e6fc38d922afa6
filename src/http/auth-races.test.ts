// App tier: claiming the server and logging in stay correct under concurrent requests, and state
// changed behind the server's back (the CLI on the same data dir) is seen on the next request.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { hashPassword } from '../secrets.js';
import { createUser } from '../store/users.js';
import { createApp } from './app.js';
import { ORIGIN, SETUP_TOKEN, makeTestDeps } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  deps = await makeTestDeps();
  app = createApp(deps);
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
  body: new URLSearchParams(fields).toString(),
});

describe('an owner created outside the browser (spur token create on the server)', () => {
  it('closes setup at once: /login serves the login page, /setup sends there, and the password works', async () => {
    await createUser(deps.db, { email: 'you@example.com', passwordHash: await hashPassword('a long password'), role: 'owner' });
    const login = await app.request('/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Log in');
    const setup = await app.request('/setup');
    expect(setup.status).toBe(303);
    expect(setup.headers.get('location')).toBe('/login');
    const home = await app.request('/');
    expect(home.headers.get('location')).toBe('/login?next=%2F');
    const res = await app.request('/login', form({ email: 'you@example.com', password: 'a long password' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect((await app.request('/setup', form({ token: SETUP_TOKEN, email: 'late@example.com', password: 'a long password' }))).status).toBe(404);
    expect(deps.setup.token).toBeUndefined();
  });
});

describe('concurrent requests', () => {
  it('lets ten simultaneous setup claims with the right token create exactly one owner', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => app.request('/setup', form({ token: SETUP_TOKEN, email: `owner${i}@example.com`, password: 'a long password' }))),
    );
    const owners = await deps.db.selectFrom('users').selectAll().execute();
    expect(owners).toHaveLength(1);
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 404)).toHaveLength(9);
  });

  it('lets at most 10 of 30 simultaneous wrong logins be checked; the rest are refused with 429', async () => {
    await createUser(deps.db, { email: 'you@example.com', passwordHash: await hashPassword('a long password'), role: 'owner' });
    deps.setup.claim();
    const results = await Promise.all(Array.from({ length: 30 }, () => app.request('/login', form({ email: 'you@example.com', password: 'wrong password!' }))));
    expect(results.filter((r) => r.status === 401)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20);
    // The limit holds for the right password too, until the window passes.
    expect((await app.request('/login', form({ email: 'you@example.com', password: 'a long password' }))).status).toBe(429);
  });

  it('lets at most 10 of 30 simultaneous wrong setup tokens be checked', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => app.request('/setup', form({ token: 'guess', email: 'evil@example.com', password: 'a long password' }))));
    expect(results.filter((r) => r.status === 403)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20);
  });
});

describe('probing', () => {
  it('takes about as long for an unknown email as for a known one with a wrong password', async () => {
    await createUser(deps.db, { email: 'you@example.com', passwordHash: await hashPassword('a long password'), role: 'owner' });
    deps.setup.claim();
    const time = async (email: string) => {
      const started = performance.now();
      const res = await app.request('/login', form({ email, password: 'wrong password!' }));
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    // Median of 4 each, interleaved; the limiter allows 10 failures per window.
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time('you@example.com'));
      unknown.push(await time('nobody@example.com'));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // A real scrypt check takes tens of milliseconds; skipping it for unknown emails shows up as a ratio far below 1.
    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
    // Eight scrypt checks: seconds on a machine busy with end-to-end files.
  }, 60_000);
});
