// The app tier's fixture: real routes and an in-memory database, no Docker and no sockets.
import { finishVolumeBackup, startVolumeBackup } from '../src/store/volume-backups.js';
import { VolumeBackups } from '../src/volumes/backup-runs.js';
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
    config: { port: 0, host: '127.0.0.1', dataDir: '/nonexistent', baseDomain: 'spur.test', publicUrl: ORIGIN, publicAddresses: ['203.0.113.7'], traefik: { enabled: false }, keepImages: 5, buildTimeoutS: 1800, buildConcurrency: 1, buildMemoryMb: 2048, buildCpus: 1, buildCacheMb: 5120, backupKeep: 0, metricsSampleS: 0, alertEveryS: 0, previewsMax: 5, autoscaleDownAfterS: 300, downloadUrl: 'https://releases.invalid', updateCheck: false, acme: { directoryUrl: 'https://acme.invalid/directory', port: 0, host: '127.0.0.1' }, gitAllowPrivate: false, notifyAllowPrivate: false, sshPort: 2222, sshHost: '127.0.0.1', sshAuthTimeoutS: 30, buildImages: {} },
    db,
    docker,
    log: silentLog,
    key,
    databaseBackups: new DatabaseBackups({ db, docker, key, dataDir: '/nonexistent', installId: 'test-install', log: silentLog, isDaemonReady: () => false }),
    volumeBackups: new VolumeBackups({ db, docker, key, dataDir: '/nonexistent', installId: 'test-install', log: silentLog, isDaemonReady: () => false }),
    servers: new NodeFleet({ db, key, docker, log: silentLog, probePath: '/nonexistent/spur-probe', installId: 'test-install', spoolDir: '/nonexistent', connections: new NodeConnections({ db, key }) }),
    installId: 'test-install',
    askpassPath: '/nonexistent/spur',
    cronJobs: { refresh: async () => {}, runNow: notHere, nextRun: () => null, stopRunsOf: async () => {} },
    daemon: { state: { reachable: false, swarm: false, problem: 'Docker is not reachable (test).' }, ready: false },
    deployer: { request: notHere, rollback: notHere, promote: notHere, redeploy: notHere, cancel: notHere, preview: notHere, steer: notHere },
    logBus: new DeploymentLogBus(db),
    streamSlots: new StreamSlots(10),
    liveSlots: new StreamSlots(LIVE_STREAMS_PER_USER, 'live pages'),
    runningTasks: { counts: notHere, summary: notHere },
    swarmNodes: { get: notHere },
    metrics: { current: () => undefined },
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
  return { deps, app, call, cookies, member, tokens };
}

/** Who acts in the role matrix: the owner, a project's admin, developer and viewer (of `shop`
 *  only), and an outsider who is a member of no project. */
export const MATRIX_USERS = ['owner', 'admin', 'developer', 'viewer', 'outsider'] as const;
export type MatrixUser = (typeof MATRIX_USERS)[number];

/** An app with the matrix's users (API tokens by name) and two projects, `shop` (the members')
 *  and `blog` (another project), each holding one of everything an action can touch: the image
 *  service `web` with a variable, a volume, a domain and a finished deployment; a `staging`
 *  environment; a shared variable; a database `pg` with a backup; a pending invitation; a pending
 *  variable change request in (protected) production; and `bystander@example.com`, a
 *  viewer, to remove. The deployer is a stand-in that records what it was asked
 *  (`deployerCalls`); Docker is away, so work that needs it is refused (503) after the door. */
export async function teamWorld() {
  const { deps, app } = await makeTestApp();
  const deployerCalls: string[] = [];
  const record = async (scope: { serviceId: number; environmentId: number }, trigger: string) =>
    deps.db.insertInto('deployments').values({ service_id: scope.serviceId, environment_id: scope.environmentId, status: 'queued', trigger, created_at: new Date().toISOString() }).returningAll().executeTakeFirstOrThrow();
  deps.deployer = {
    request: async (r: { serviceId: number; environmentId: number }) => (deployerCalls.push('request'), record(r, 'test')),
    rollback: async (scope: { serviceId: number; environmentId: number }) => (deployerCalls.push('rollback'), record(scope, 'rollback')),
    promote: async (scope: { serviceId: number; environmentId: number }) => (deployerCalls.push('promote'), record(scope, 'promote')),
    steer: () => deployerCalls.push('steer'),
    cancel: async () => (deployerCalls.push('cancel'), []),
    preview: async () => (deployerCalls.push('preview'), { commit: null, plan: null, dockerfile: 'Dockerfile', dockerfileText: null }),
  } as unknown as Deps['deployer'];
  const users: Record<string, { id: number }> = {};
  const tokens: Record<string, string> = {};
  /** Each user's own API token and SSH key, by id. */
  const own: Record<string, { tokenId: number; keyId: number }> = {};
  for (const name of [...MATRIX_USERS, 'bystander']) {
    users[name] = await createUser(deps.db, { email: `${name}@example.com`, passwordHash: 'x', role: name === 'owner' ? 'owner' : 'member' });
    tokens[name] = await createApiToken(deps.db, users[name].id, 't');
  }
  const call = apiAs(app, tokens);
  const { generateKeyPairSync } = await import('node:crypto');
  const sshString = (b: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  for (const name of MATRIX_USERS) {
    const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
    const key = await call(name, 'POST', '/keys', { name: 'laptop', key: `ssh-ed25519 ${blob.toString('base64')} ${name}` });
    if (key.status !== 201) throw new Error(`POST /keys: ${key.status} ${JSON.stringify(key.json)}`);
    const token = await deps.db.selectFrom('api_tokens').select('id').where('user_id', '=', users[name].id).executeTakeFirstOrThrow();
    own[name] = { tokenId: token.id, keyId: key.json.key.id };
  }
  const { createNodeRecord } = await import('../src/store/nodes.js');
  await createNodeRecord(deps.db, { name: 'n1', host: '192.0.2.10', port: 22, user: 'root' });
  const { setProjectMember } = await import('../src/store/access.js');
  const { createDatabase } = await import('../src/store/databases.js');
  const { finishBackupRecord, startBackupRecord } = await import('../src/store/database-backups.js');
  const { createInvitation } = await import('../src/store/invitations.js');
  const ids: Record<string, { deployment: number; backup: number; volumeBackup: number; composeDeployment: number; invitation: number; request: number; channel: number; installationChannel: number; rule: number; installationRule: number; webhook: number; delivery: number }> = {};
  const { createAlertChannel } = await import('../src/store/alert-channels.js');
  const installationChannel = ((await createAlertChannel(deps.db, deps.key, { projectId: null, name: 'ops', kind: 'email', settings: { to: ['ops@example.com'] }, secrets: {} })) as { id: number }).id;
  const { createAlertRule } = await import('../src/store/alerts.js');
  const installationRule = ((await createAlertRule(deps.db, { project_id: null, name: 'load', target: 'servers', subject: null, metric: 'load', op: '>', value: 8, for_s: 300 })) as { id: number }).id;
  const { createRequest } = await import('../src/actions/ask.js');
  for (const project of ['shop', 'blog']) {
    for (const [path, body] of [
      ['/projects', { name: project }],
      ['/projects/:p/services', { name: 'web', image: 'nginx' }],
      ['/projects/:p/environments', { name: 'staging' }],
      ['/projects/:p/services/web/volumes', { name: 'data', mountPath: '/data' }],
      ['/projects/:p/services/web/domains', { hostname: `web.${project}.example` }],
    ] as const) {
      const made = await call('owner', 'POST', path.replace(':p', project), body);
      if (made.status !== 201) throw new Error(`POST ${path}: ${made.status} ${JSON.stringify(made.json)}`);
    }
    // A Compose app (one service, api) with a group deployment of it in staging.
    const composed = await call('owner', 'PUT', `/projects/${project}/compose/stack`, { file: 'services:\n  api:\n    image: nginx:1.27\n    ports: ["80"]\n' });
    if (composed.status !== 200) throw new Error(`PUT compose: ${composed.status} ${JSON.stringify(composed.json)}`);
    for (const path of ['/projects/:p/services/web/variables', '/projects/:p/shared-variables']) {
      const made = await call('owner', 'PUT', path.replace(':p', project), { A: 'secret-a' });
      if (made.status !== 200) throw new Error(`PUT ${path}: ${made.status} ${JSON.stringify(made.json)}`);
    }
    const p = await deps.db.selectFrom('projects').selectAll().where('name', '=', project).executeTakeFirstOrThrow();
    const env = await deps.db.selectFrom('environments').select('id').where('project_id', '=', p.id).where('name', '=', 'production').executeTakeFirstOrThrow();
    const service = await deps.db.selectFrom('services').select('id').where('project_id', '=', p.id).where('name', '=', 'web').executeTakeFirstOrThrow();
    const deployment = await deps.db.insertInto('deployments').values({ service_id: service.id, environment_id: env.id, status: 'active', trigger: 'test', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
    // A scheduled job in staging (in protected production a developer may not change or run one).
    const staging = await deps.db.selectFrom('environments').select('id').where('project_id', '=', p.id).where('name', '=', 'staging').executeTakeFirstOrThrow();
    await deps.db.insertInto('cron_jobs').values({ service_id: service.id, environment_id: staging.id, name: 'nightly', schedule: '0 3 * * *', command: 'node report.js', timeout_s: 60, created_at: new Date().toISOString() }).execute();
    const pg = await createDatabase(deps.db, deps.key, { projectId: p.id, environmentId: env.id, name: 'pg', volumeName: `spur_${project}_pg_production_data_test`, engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'secret-pw', database: 'pg' } });
    const backup = await finishBackupRecord(deps.db, (await startBackupRecord(deps.db, pg, 'manual')).id, { file: '/nonexistent/backup.dump', size: 10, sha256: 'a'.repeat(64) });
    const volume = await deps.db.selectFrom('volumes').selectAll().where('service_id', '=', service.id).where('name', '=', 'data').executeTakeFirstOrThrow();
    const volumeBackup = await finishVolumeBackup(deps.db, (await startVolumeBackup(deps.db, volume, 'manual')).id, { file: '/nonexistent/data.tar.gz', size: 10, sha256: 'b'.repeat(64) });
    const { invitation } = await createInvitation(deps.db, { projectId: p.id, email: 'invited@example.com', role: 'viewer', invitedBy: { id: users.owner.id, email: 'owner@example.com' }, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    // A request waiting in production: the developer's in shop, the owner's in blog.
    const asker = project === 'shop' ? 'developer' : 'owner';
    const request = await createRequest(deps, { who: { id: users[asker].id, email: `${asker}@example.com`, role: asker }, kind: 'variables', project: p, environment: { id: env.id, name: 'production' }, service: { id: service.id, name: 'web' }, trigger: 'variables', payload: { changes: { R: 'requested' } }, summary: { set: ['R'], removed: [] } });
    const channel = ((await createAlertChannel(deps.db, deps.key, { projectId: p.id, name: 'team', kind: 'email', settings: { to: ['team@example.com'] }, secrets: {} })) as { id: number }).id;
    const rule = ((await createAlertRule(deps.db, { project_id: p.id, name: 'errors', target: 'services', subject: null, metric: 'errors_5xx', op: '>', value: 10, for_s: 0 })) as { id: number }).id;
    const stack = await deps.db.selectFrom('compose_apps').selectAll().where('project_id', '=', p.id).executeTakeFirstOrThrow();
    const { insertComposeDeployment } = await import('../src/store/compose.js');
    const composeDeployment = await insertComposeDeployment(deps.db, { appId: stack.id, environmentId: staging.id, rollbackOf: null, fileSealed: stack.file_sealed, dotenvSealed: null, trigger: 'test', requestedBy: null, members: [] });
    await deps.db.updateTable('compose_deployments').set({ status: 'active' }).where('id', '=', composeDeployment.id).execute();
    // An event webhook, with a delivery of one event to it.
    const { createEventWebhook, recordAttempt, recordEvent } = await import('../src/store/events.js');
    const webhook = (await createEventWebhook(deps.db, deps.key, { projectId: p.id, name: 'ci', host: 'ci.example.com', types: ['*'], url: 'https://ci.example.com/hook', secret: 'a-secret-of-16-chars' }, 10)) as { id: number };
    const event = await recordEvent(deps.db, p.id, 'deployment.active', { deployment: deployment.id });
    const delivery = await deps.db.selectFrom('event_deliveries').select('id').where('event_id', '=', event.id).executeTakeFirstOrThrow();
    await recordAttempt(deps.db, delivery.id, { delivered: true, status: 204, error: null, retryAt: null });
    ids[project] = { deployment: deployment.id, backup: backup.id, volumeBackup: volumeBackup.id, composeDeployment: composeDeployment.id, invitation: invitation.id, request: request.id, channel, installationChannel, rule, installationRule, webhook: webhook.id, delivery: delivery.id };
    await setProjectMember(deps.db, p.id, users.bystander.id, 'viewer');
    if (project === 'shop') for (const role of ['admin', 'developer', 'viewer'] as const) await setProjectMember(deps.db, p.id, users[role].id, role);
  }
  return { deps, app, tokens, call, ids, own, deployerCalls };
}
