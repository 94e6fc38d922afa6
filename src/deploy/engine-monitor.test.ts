// Spur's client against fake Docker daemons on a unix socket: one that refuses old API versions
// the way Docker 29 does, one older than Spur supports. What /healthz and the pages say of each.
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareVersions } from '../docker/api-version.js';
import { createDockerClient } from '../docker/client.js';
import { makeTestApp } from '../http/test-app.js';
import { silentLog } from '../log.js';
import { createSession, createUser } from '../store/users.js';
import { EngineMonitor } from './engine-monitor.js';

interface FakeDaemon {
  socketPath: string;
  /** Every request path it was sent, in order. */
  paths: string[];
  close(): Promise<void>;
}

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A daemon whose newest API is `max` and oldest `min`; an unversioned path means its newest, as
 *  Docker's does. A version below `min` is answered as Docker 29 answers it. */
async function fakeDaemon(opts: { engine: string; max: string; min: string; socketPath?: string }): Promise<FakeDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'spur-fake-docker-'));
  dirs.push(dir);
  const socketPath = opts.socketPath ?? join(dir, 'docker.sock');
  const paths: string[] = [];
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': opts.max });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(req.url ?? '');
    const asked = m?.[1];
    const path = (m ? m[2] : req.url ?? '').split('?')[0];
    if (asked && compareVersions(asked, opts.min) < 0) {
      return json(res, 400, { message: `client version ${asked} is too old. Minimum supported API version is ${opts.min}, please upgrade your client to a newer version` });
    }
    if (asked && compareVersions(asked, opts.max) > 0) return json(res, 400, { message: `client version ${asked} is too new. Maximum supported API version is ${opts.max}` });
    if (path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Api-Version': opts.max });
      return res.end('OK');
    }
    if (path === '/version') return json(res, 200, { Version: opts.engine, ApiVersion: opts.max, MinAPIVersion: opts.min });
    if (path === '/info') return json(res, 200, { Swarm: { LocalNodeState: 'active', ControlAvailable: true } });
    if (path === '/networks') return json(res, 200, [{ Name: 'spur-edge', Id: 'n1' }]);
    return json(res, 404, { message: `page not found: ${path}` });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, paths, close: () => new Promise((r) => server.close(() => r())) };
}

async function monitorOf(daemon: FakeDaemon) {
  const engine = new EngineMonitor({ docker: createDockerClient(daemon.socketPath), log: silentLog, advertiseAddr: '127.0.0.1' });
  await engine.check();
  return engine;
}

async function appWith(engine: EngineMonitor) {
  const { deps, app } = await makeTestApp();
  deps.engine = engine;
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  const cookie = `spur_session=${(await createSession(deps.db, owner.id)).token}`;
  return { app, cookie };
}

describe('Docker API version negotiation', () => {
  it('speaks to a Docker 29 daemon at API 1.52 on every request after asking which it speaks', async () => {
    const daemon = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44' });
    const engine = await monitorOf(daemon);
    expect(engine.ready).toBe(true);
    const [first, ...rest] = daemon.paths;
    expect(first).toBe('/version');
    expect(rest.length).toBeGreaterThan(0);
    for (const p of rest) expect(p).toMatch(/^\/v1\.52\//);

    const { app } = await appWith(engine);
    const health = await (await app.request('/healthz')).json();
    expect(health).toMatchObject({ ok: true, docker: true, dockerApi: { supported: true, daemon: '1.52', using: '1.52', spur: '1.41 to 1.52' } });
  });

  it('says in /healthz and on every page that a daemon older than API 1.41 is outside what Spur supports', async () => {
    const daemon = await fakeDaemon({ engine: '19.03.15', max: '1.40', min: '1.12' });
    const engine = await monitorOf(daemon);
    expect(engine.ready).toBe(false);
    // Nothing but the question is sent to a daemon Spur does not support.
    expect(daemon.paths).toEqual(['/version']);

    const { app, cookie } = await appWith(engine);
    const health = await (await app.request('/healthz')).json();
    const problem = "Docker's Engine API 1.40 is outside what Spur supports (1.41 to 1.52): upgrade Docker to 20.10 or newer";
    expect(health).toEqual({ ok: true, docker: false, dockerApi: { supported: false, daemon: '1.40', spur: '1.41 to 1.52', problem }, version: expect.any(String) });
    const page = await (await app.request('/', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('Docker: Docker&#39;s Engine API 1.40 is outside what Spur supports (1.41 to 1.52)');
  });

  it('negotiates again when the daemon comes back as a newer engine', async () => {
    const old = await fakeDaemon({ engine: '20.10.24', max: '1.41', min: '1.12' });
    const docker = createDockerClient(old.socketPath);
    const engine = new EngineMonitor({ docker, log: silentLog, advertiseAddr: '127.0.0.1' });
    await engine.check();
    expect(old.paths.at(-1)).toMatch(/^\/v1\.41\//);
    await old.close();
    await engine.check();
    expect(engine.ready).toBe(false);
    // The same socket path, now answered by Docker 29, which refuses 1.41.
    const upgraded = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44', socketPath: old.socketPath });
    await engine.check();
    expect(engine.ready).toBe(true);
    expect(upgraded.paths.slice(1).every((p) => p.startsWith('/v1.52/'))).toBe(true);
  });
});
