// Spur's client against fake Docker daemons on a unix socket: one that refuses old API versions
// the way Docker 29 does, one older than Spur supports. What /healthz and the pages say of each.
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerClient } from '../docker/client.js';
import { type FakeDaemon, fakeDaemon as startFakeDaemon } from '../../test/fake-daemon.js';
import { makeTestApp } from '../../test/app-fixture.js';
import { silentLog } from '../log.js';
import { createSession, createUser } from '../store/users.js';
import { DaemonMonitor } from './daemon-monitor.js';

const daemons: FakeDaemon[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.remove();
});
const fakeDaemon = async (opts: Parameters<typeof startFakeDaemon>[0]) => {
  const d = await startFakeDaemon(opts);
  daemons.push(d);
  return d;
};

async function monitorOf(daemon: FakeDaemon) {
  const monitor = new DaemonMonitor({ docker: createDockerClient(daemon.socketPath), log: silentLog, advertiseAddr: '127.0.0.1' });
  await monitor.check();
  return monitor;
}

async function appWith(monitor: DaemonMonitor) {
  const { deps, app } = await makeTestApp();
  deps.daemon = monitor;
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  const cookie = `spur_session=${(await createSession(deps.db, owner.id)).token}`;
  return { app, cookie };
}

describe('Docker API version negotiation', () => {
  it('speaks to a Docker 29 daemon at API 1.52 on every request after asking which it speaks', async () => {
    const daemon = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44' });
    const monitor = await monitorOf(daemon);
    expect(monitor.ready).toBe(true);
    const [first, ...rest] = daemon.paths;
    expect(first).toBe('/version');
    expect(rest.length).toBeGreaterThan(0);
    for (const p of rest) expect(p).toMatch(/^\/v1\.52\//);

    const { app } = await appWith(monitor);
    const health = await (await app.request('/healthz')).json();
    expect(health).toMatchObject({ ok: true, docker: true, dockerApi: { supported: true, daemon: '1.52', using: '1.52', spur: '1.41 to 1.52' } });
  });

  it('says in /healthz and on every page that a daemon older than API 1.41 is outside what Spur supports', async () => {
    const daemon = await fakeDaemon({ engine: '19.03.15', max: '1.40', min: '1.12' });
    const monitor = await monitorOf(daemon);
    expect(monitor.ready).toBe(false);
    // Nothing but the question is sent to a daemon Spur does not support.
    expect(daemon.paths).toEqual(['/version']);

    const { app, cookie } = await appWith(monitor);
    const health = await (await app.request('/healthz')).json();
    const problem = "Docker's Engine API 1.40 is outside what Spur supports (1.41 to 1.52): upgrade Docker to 20.10 or newer";
    expect(health).toEqual({ ok: true, docker: false, dockerApi: { supported: false, daemon: '1.40', spur: '1.41 to 1.52', problem }, version: expect.any(String) });
    const page = await (await app.request('/', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('Docker: Docker&#39;s Engine API 1.40 is outside what Spur supports (1.41 to 1.52)');
  });

  it('negotiates again when the daemon comes back as a newer engine', async () => {
    const old = await fakeDaemon({ engine: '20.10.24', max: '1.41', min: '1.12' });
    const docker = createDockerClient(old.socketPath);
    const monitor = new DaemonMonitor({ docker, log: silentLog, advertiseAddr: '127.0.0.1' });
    await monitor.check();
    expect(old.paths.at(-1)).toMatch(/^\/v1\.41\//);
    await old.close();
    await monitor.check();
    expect(monitor.ready).toBe(false);
    // The same socket path, now answered by Docker 29, which refuses 1.41.
    const upgraded = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44', socketPath: old.socketPath });
    await monitor.check();
    expect(monitor.ready).toBe(true);
    expect(upgraded.paths.slice(1).every((p) => p.startsWith('/v1.52/'))).toBe(true);
  });
});

describe('a daemon going down while it is checked', () => {
  it('is a daemon not ready, never a rejected check (the timer that checks would crash Spur)', async () => {
    // Answers the version and a first /info (Swarm not active, as while it stops), then resets.
    const daemon = await fakeDaemon({ engine: '20.10.24', max: '1.41', min: '1.12', swarm: 'inactive', resetAfter: 2 });
    const monitor = new DaemonMonitor({ docker: createDockerClient(daemon.socketPath), log: silentLog, advertiseAddr: '127.0.0.1' });
    const state = await monitor.check();
    expect(daemon.paths).toEqual(['/version', '/v1.41/info', '/v1.41/info']);
    expect(monitor.ready).toBe(false);
    expect(state.problem).toMatch(/^Docker is not reachable \(socket hang up\)/);
  });
});

describe('a daemon that is slow to answer', () => {
  it('is said to be awaited while Spur waits, not only once it answers', async () => {
    const daemon = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44', answerAfterMs: 700 });
    const lines: string[] = [];
    const log = { info: () => {}, error: () => {}, warn: (m: string) => void lines.push(m) };
    const monitor = new DaemonMonitor({ docker: createDockerClient(daemon.socketPath), log, advertiseAddr: '127.0.0.1', stillWaitingS: 0.5 });
    const checking = monitor.check();
    await new Promise((r) => setTimeout(r, 900));
    expect(lines[0]).toMatch(/^Docker has not answered for \d+ s; still waiting$/);
    await checking;
    expect(monitor.ready).toBe(true);
    const waited = lines.length;
    await new Promise((r) => setTimeout(r, 800));
    // Once answered, no more.
    expect(lines.length).toBe(waited);
  });
});
