// Spur's SSH server: git push and git fetch with public-key authentication. There is no shell:
// only git-receive-pack and git-upload-pack run, with argv arrays, on repositories the key may use.
import { spawn } from 'node:child_process';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { type CipherAlgorithm, type Connection, Server, type ServerChannel, utils } from 'ssh2';
import type { Db } from '../db/open.js';
import type { Log } from '../log.js';
import { openProject, roleIn } from '../actions/access.js';
import { Forbidden, NotFound } from '../errors.js';
import { findProject } from '../store/projects.js';
import { findServiceByName } from '../store/services.js';
import { sourceKindOf } from '../sources/index.js';
import { findSshKey } from '../store/ssh-keys.js';
import { findUserById } from '../store/users.js';
import { parseGitCommand } from './git-command.js';
import { GUARD_LIMITS, type GuardLimits, guardedServer } from './connection-guard.js';
import type { PushSessions } from './push-sessions.js';
import { ensureBareRepo } from '../git/repos.js';
import { normalizeAddress } from '../routing/client-address.js';

export interface SshDeps {
  dataDir: string;
  /** The host key's OpenSSH text (loadOrCreateHostKey). */
  hostKey: Buffer;
  db: Db;
  log: Log;
  sessions: PushSessions;
  hookSocket: string;
}

/** Who a key belongs to: a user (push and fetch where they are a member), or a service's deploy
 *  key (fetch within its own project). */
type Principal = { kind: 'user'; id: number; role: 'owner' | 'member'; email: string } | { kind: 'deploy-key'; projectId: number };

async function principalFor(db: Db, algo: string, base64: string): Promise<Principal | undefined> {
  const key = await findSshKey(db, algo, base64);
  if (key) {
    const user = await findUserById(db, key.user_id);
    return user && { kind: 'user', id: user.id, role: user.role, email: user.email };
  }
  const service = await db.selectFrom('services').select('project_id').where('deploy_key_public', 'like', `${algo} ${base64}%`).executeTakeFirst();
  return service && { kind: 'deploy-key', projectId: service.project_id };
}

function refuse(channel: ServerChannel, message: string): void {
  channel.stderr.write(`spur: ${message}\n`);
  channel.exit(1);
  channel.end();
}

/** AES only: the bundle leaves out ssh2's chacha20-poly1305 implementation (see scripts/build.mjs). */
const CIPHERS: CipherAlgorithm[] = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr'];

export function startSshServer(deps: SshDeps, port: number, host = '0.0.0.0', limits: GuardLimits = GUARD_LIMITS): Promise<NetServer> {
  const ssh = new Server({ hostKeys: [deps.hostKey], algorithms: { cipher: CIPHERS } }, (client: Connection, info: { ip: string; port: number }) => {
    const guarded = guard.connectionOf(info.ip, info.port);
    client.on('ready', () => guarded.authenticated());
    let principal: Principal | undefined;
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'git') return ctx.reject(['publickey']);
      const { algo, data } = ctx.key;
      void principalFor(deps.db, algo, data.toString('base64')).then(
        (found) => {
          if (!found) return ctx.reject();
          if (ctx.signature) {
            const key = utils.parseKey(Buffer.from(`${algo} ${data.toString('base64')}`));
            if (key instanceof Error || Array.isArray(key) || key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject();
          }
          principal = found;
          ctx.accept();
        },
        () => ctx.reject(),
      );
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, exec) => void runGit(deps, acceptExec(), exec.command, principal!, normalizeAddress(info.ip)));
        session.on('shell', (acceptShell) => refuse(acceptShell(), 'Spur runs only git push and git fetch here; there is no shell'));
        session.on('pty', (_a, reject) => reject?.());
        session.on('subsystem', (_a, reject) => reject?.());
        session.on('env', (_a, reject) => reject?.());
      });
    });
    client.on('error', (err) => deps.log.info('ssh client error', { error: err.message }));
  });
  const guard = guardedServer(limits, (socket) => ssh.injectSocket(socket));
  const server = guard.server;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      deps.log.info(`ssh server listening on ${host}:${(server.address() as AddressInfo).port}`);
      resolve(server);
    });
  });
}

async function runGit(deps: SshDeps, channel: ServerChannel, commandLine: string, principal: Principal, address: string): Promise<void> {
  const parsed = parseGitCommand(commandLine);
  if (!parsed.ok) return refuse(channel, parsed.message);
  const { program, project: projectName, service: serviceName } = parsed.command;
  const notFound = `no repository ${projectName}/${serviceName} that this key may use`;
  const project = await findProject(deps.db, projectName);
  if (!project) return refuse(channel, notFound);
  // A user's role in the project decides, at the door (access.ts), which records a refusal: a
  // push deploys, a fetch reads. A deploy key fetches within its own project only.
  let role: string | undefined;
  if (principal.kind === 'user') {
    const actor = { id: principal.id, role: principal.role, email: principal.email, origin: { via: 'git-push' as const, address } };
    try {
      role = (await openProject(deps.db, actor, projectName, program === 'git-receive-pack' ? 'deploy' : 'project.read')).role;
    } catch (err) {
      if (err instanceof NotFound) return refuse(channel, notFound);
      if (err instanceof Forbidden) return refuse(channel, `your role in ${projectName} (${await roleIn(deps.db, principal, project.id)}) may not push to it`);
      throw err;
    }
  } else if (program !== 'git-upload-pack' || principal.projectId !== project.id) return refuse(channel, notFound);
  const service = await findServiceByName(deps.db, project.id, serviceName);
  if (!service) return refuse(channel, notFound);
  const kind = sourceKindOf(service);
  if (!kind.builds) return refuse(channel, `${projectName}/${serviceName} ${kind.deploys}; it has no repository`);

  const repoDir = await ensureBareRepo(deps.dataDir, { projectId: project.id, serviceId: service.id });
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  let token: string | undefined;
  if (program === 'git-receive-pack' && principal.kind === 'user') {
    token = deps.sessions.open({ userEmail: principal.email, userId: principal.id, userRole: role!, address, projectId: project.id, serviceId: service.id, repoDir });
    Object.assign(env, { SPUR_HOOK_SOCKET: deps.hookSocket, SPUR_PUSH_TOKEN: token });
  }
  const child = spawn(program, [repoDir], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  channel.pipe(child.stdin);
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  child.on('error', (err) => refuse(channel, `git failed to start: ${err.message}`));
  child.on('close', (code) => {
    if (token) deps.sessions.close(token);
    channel.exit(code ?? 1);
    channel.end();
  });
}
