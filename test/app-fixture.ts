// The app tier's fixture: real routes and an in-memory database, no Docker and no sockets.
import { NodeConnections } from '../src/nodes/connections.js';
import { NodeFleet } from '../src/nodes/fleet.js';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../src/db/open.js';
import type { Deps } from '../src/deps.js';
import { DeploymentLogBus } from '../src/deploy/log-bus.js';
import { createDockerClient } from '../src/docker/client.js';
import { silentLog } from '../src/log.js';
import { createApp } from '../src/http/app.js';
import { StreamSlots } from '../src/stream-slots.js';
import { LIVE_STREAMS_PER_USER } from '../src/http/live.js';
import { DnsChecks } from '../src/routing/dns-check.js';
import { TrustedProxies } from '../src/routing/trusted-proxies.js';
import { UpdateChecker } from '../src/update/checker.js';
import { DatabaseBackups } from '../src/databases/backup-runs.js';
import { createApiToken, createSession, createUser } from '../src/store/users.js';

export const SETUP_TOKEN = 'setup-token-for-tests';
export const ORIGIN = 'http://localhost';

const notHere = async (): Promise<never> => {
  throw new Error('not in app tests');
};

export async function makeTestDeps(): Promise<Deps> {
  const db = await openDatabase(':memory:');
  const setup: Deps['setup'] = { token: SETUP_TOKEN, claim: () => (setup.token = undefined) };
  const key = randomBytes(32);
  const docker = createDockerClient('/nonexistent/docker.sock');
  return {
    config: { port: 0, host: '127.0.0.1', dataDir: '/nonexistent', baseDomain: 'spur.test', publicUrl: ORIGIN, publicAddresses: ['203.0.113.7'], traefik: { enabled: false }, keepImages: 5, buildTimeoutS: 1800, buildConcurrency: 1, buildMemoryMb: 2048, buildCpus: 1, buildCacheMb: 5120, backupKeep: 0, downloadUrl: 'https://releases.invalid', updateCheck: false, acme: { directoryUrl: 'https://acme.invalid/directory', port: 0, host: '127.0.0.1' }, gitAllowPrivate: false, sshPort: 2222, sshHost: '127.0.0.1', sshAuthTimeoutS: 30, buildImages: {} },
    db,
    docker,
    log: silentLog,
    key,
    databaseBackups: new DatabaseBackups({ db, docker, key, dataDir: '/nonexistent', installId: 'test-install', log: silentLog, isDaemonReady: () => false }),
    servers: new NodeFleet({ db, key, docker, log: silentLog, probePath: '/nonexistent/spur-probe', installId: 'test-install', spoolDir: '/nonexistent', connections: new NodeConnections({ db, key }) }),
    installId: 'test-install',
    daemon: { state: { reachable: false, swarm: false, problem: 'Docker is not reachable (test).' }, ready: false },
    deployer: { request: notHere, rollback: notHere, cancel: notHere, preview: notHere },
    logBus: new DeploymentLogBus(db),
    streamSlots: new StreamSlots(10),
    liveSlots: new StreamSlots(LIVE_STREAMS_PER_USER, 'live pages'),
    runningTasks: { counts: notHere, summary: notHere },
    updates: new UpdateChecker({ downloadUrl: 'https://releases.invalid', enabled: false, log: silentLog }),
    certificates: { run: async () => {} },
    // DNS as the tests set it: every name of `example` points here, others nowhere.
    dns: new DnsChecks(['203.0.113.7'], async (hostname) => (hostname.endsWith('.example') ? ['203.0.113.7'] : [])),
    // No proxy in front: tests that need one replace this.
    proxies: new TrustedProxies({ discover: async () => [], log: silentLog }),
    setup,
  } as Deps;
}

export async function makeTestApp() {
  const deps = await makeTestDeps();
  return { deps, app: createApp(deps) };
}

type App = ReturnType<typeof createApp>;

/** An owner and a member (of no project yet), each with an API token, by role. */
export async function ownerAndMember(deps: Deps) {
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  const member = await createUser(deps.db, { email: 'm@example.com', passwordHash: 'x', role: 'member' });
  const tokens = { owner: await createApiToken(deps.db, owner.id, 't'), member: await createApiToken(deps.db, member.id, 't') };
  return { owner, member, tokens };
}

/** Calls the JSON API as the holder of one of `tokens`: the status and the parsed body. */
export const apiAs = (app: App, tokens: Record<string, string>) => async (who: string, method: string, path: string, body?: unknown) => {
  const res = await app.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${tokens[who]}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
};

/** An app with an owner and a member (API tokens and browser session cookies by role) and the
 *  owner's project `shop` with an image service `web`. */
export async function shopWithWeb() {
  const { deps, app } = await makeTestApp();
  const { owner, member, tokens } = await ownerAndMember(deps);
  const call = apiAs(app, tokens);
  const cookies = { owner: `spur_session=${(await createSession(deps.db, owner.id)).token}`, member: `spur_session=${(await createSession(deps.db, member.id)).token}` };
  for (const [path, body] of [['/projects', { name: 'shop' }], ['/projects/shop/services', { name: 'web', image: 'nginx' }]] as const) {
    const made = await call('owner', 'POST', path, body);
    if (made.status !== 201) throw new Error(`POST ${path}: ${made.status} ${JSON.stringify(made.json)}`);
  }
  return { deps, app, call, cookies, member };
}
