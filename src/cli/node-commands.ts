// `spur node key|add|list|show|drain|activate|build-server|remove`: the servers of the Swarm.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';

interface ServerView {
  name: string;
  address: string | null;
  role: string;
  state: string;
  availability: string | null;
  status: string;
  error: string | null;
  dockerVersion: string | null;
  cpus: number | null;
  memoryMb: number | null;
  runningTasks: number;
  disk: { totalBytes: number; freeBytes: number } | null;
  hostKeyFingerprint: string | null;
  buildServer: boolean;
  log?: string;
}

const USAGE = 'spur node key  |  node add [user@]host [--port N] [--name N] [--host-key SHA256:…] [--password-stdin]  |  node list  |  node show|drain|activate|remove <name>  |  node build-server <name> [--off]';

const PASSWORD_NEEDS_HOST_KEY = '--password-stdin needs --host-key SHA256:…, the fingerprint of the server\'s host key, so that the password goes to that server only: read it on the server with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`, or with `ssh-keyscan -t ed25519 <host> | ssh-keygen -lf -` over a network you trust';

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const row = (s: ServerView) => [s.name, s.role, s.state, s.availability ?? '-', s.address ?? '-', s.dockerVersion ? `docker ${s.dockerVersion}` : '-', s.cpus ? `${s.cpus} cpu` : '-', s.memoryMb ? `${s.memoryMb} MB` : '-', s.disk ? `${(s.disk.freeBytes / 1024 ** 3).toFixed(0)} GB free` : '-', `${s.runningTasks} tasks`, s.buildServer ? 'builds' : '', s.error ?? ''].join('\t').trimEnd();

async function node(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { port: { type: 'string' }, name: { type: 'string' }, 'host-key': { type: 'string' }, 'password-stdin': { type: 'boolean' }, off: { type: 'boolean' } });
  const [sub, target] = need(positionals, 1, USAGE);
  // Before the password is read: it goes only to the server whose host key the owner names.
  if (sub === 'add' && values['password-stdin'] && !values['host-key']) throw new CliError(PASSWORD_NEEDS_HOST_KEY, 2);
  const api = client(io);
  if (sub === 'key' && !target) {
    const answer = await api.json<{ publicKey: string }>('GET', '/servers');
    return io.stdout(values.json ? JSON.stringify(answer) : answer.publicKey);
  }
  if (sub === 'list' && !target) {
    const answer = await api.json<{ servers: ServerView[] }>('GET', '/servers');
    return io.stdout(values.json ? JSON.stringify(answer) : answer.servers.map(row).join('\n'));
  }
  if (sub === 'add' && target) {
    const password = values['password-stdin'] ? await readPassword() : undefined;
    const { server } = await api.json<{ server: ServerView }>('POST', '/servers', { address: target, port: values.port, name: values.name, hostKey: values['host-key'], password });
    return followEnrollment(io, server.name, values.json === true);
  }
  if (!target) throw new CliError(`usage: ${USAGE}`, 2);
  const path = `/servers/${enc(target)}`;
  if (sub === 'show') {
    const answer = await api.json<{ server: ServerView }>('GET', path);
    const { server } = answer;
    return io.stdout(values.json ? JSON.stringify(answer) : `${row(server)}\nhost key ${server.hostKeyFingerprint ?? '-'}\n${server.log ?? ''}`.trimEnd());
  }
  if (sub === 'drain' || sub === 'activate') {
    const answer = await api.json<{ server: ServerView }>('POST', `${path}/${sub}`);
    return io.stdout(values.json ? JSON.stringify(answer) : sub === 'drain' ? `Drained ${target}: its tasks run on the other servers, and no new task goes there.` : `Activated ${target}: tasks may run there again.`);
  }
  if (sub === 'build-server') {
    const answer = await api.json<{ server: ServerView }>(values.off ? 'DELETE' : 'POST', `${path}/build-server`);
    return io.stdout(values.json ? JSON.stringify(answer) : values.off ? `Builds run on the manager again.` : `Builds run on ${target} now; each image is copied to the manager after its build.`);
  }
  if (sub === 'remove') {
    const answer = await api.json('DELETE', path);
    return io.stdout(values.json ? JSON.stringify(answer) : `Removed ${target}: it left the Swarm and Spur forgot its host key (Spur's key stays in its authorized_keys until you take it out).`);
  }
  throw new CliError(`usage: ${USAGE}`, 2);
}

/** Prints the enrollment's log as it grows; fails when the enrollment does. */
async function followEnrollment(io: CliIo, name: string, json: boolean): Promise<void> {
  const api = client(io);
  const log = json ? io.stderr : io.stdout;
  let printed = 0;
  for (;;) {
    const answer = await api.json<{ server: ServerView & { log: string } }>('GET', `/servers/${enc(name)}`);
    const { server } = answer;
    const lines = server.log.split('\n').filter(Boolean);
    for (const line of lines.slice(printed)) log(line);
    printed = lines.length;
    if (server.status === 'ready') return json ? io.stdout(JSON.stringify(answer)) : undefined;
    if (server.status === 'failed') throw new CliError(`enrolling ${name} failed: ${server.error}`, 1);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export const nodeCommands = { node };
