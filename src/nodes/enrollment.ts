// Enrolling a server, step by step, each step written to the node's log as it starts and ends: a
// failed step says which and why, and what it leaves behind is undone or named.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type Docker from 'dockerode';
import type { Client } from 'ssh2';
import type { NodeRecord } from '../db/schema.js';
import { appendNodeLog, nodeKey, updateNode } from '../store/nodes.js';
import type { FleetDeps } from './fleet-deps.js';
import { parseOsRelease, unsupportedOs } from './os-check.js';
import { RemoteDockerUnsupported, remoteDocker } from './remote-docker.js';
import { authorizeKey, installFile } from './sftp.js';
import { connectNode, runRemote } from './ssh.js';
import { ENROLLED_LABEL, NODE_LABEL, awaitNodeState, ensureNodeLabels, leaveSwarm, rotateWorkerToken } from './swarm-membership.js';

class StepFailed extends Error {}

const JOIN_STEP = 'Joining the Swarm as a worker';

/** Whether the server's Docker may have been handed the worker join token: it joined, or its
 *  enrollment reached the join step (as the log of every version of Spur tells). */
export const reachedJoin = (node: Pick<NodeRecord, 'swarm_node_id' | 'log'>) => node.swarm_node_id !== null || node.log.includes(`▸ ${JOIN_STEP}\n`);

/** Runs `work` after the work handed to it before has ended (see NodeFleet). */
export type InTurn = <T>(work: () => Promise<T>) => Promise<T>;

/** A queue of work run one at a time, in the order handed, whether the one before failed or not. */
export function oneAtATime(): InTurn {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = last.then(work);
    last = run.catch(() => {});
    return run;
  };
}

// Fixed text: nothing of the user's is in it.
const INSTALL_DOCKER = 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq docker.io && systemctl enable --now docker';

/** Runs the enrollment of a node recorded as `enrolling`; ends with it `ready` or `failed`. A
 *  password is sent only to the server whose host key has the fingerprint `hostKey`. */
export async function enrollNode(deps: FleetDeps, node: NodeRecord, opts: { password?: string; hostKey?: string; inTurn?: InTurn } = {}): Promise<void> {
  const { password, hostKey } = opts;
  const inTurn = opts.inTurn ?? ((work) => work());
  const say = (line: string) => appendNodeLog(deps.db, node.id, line);
  let current = 'connect';
  const step = async <T>(title: string, run: () => Promise<T>): Promise<T> => {
    current = title;
    await say(`▸ ${title}`);
    return run();
  };
  let client: Client | undefined;
  let joinedAs: string | undefined;
  const left: string[] = [];
  try {
    const key = await nodeKey(deps.db, deps.key);
    client = await step(`Connecting to ${node.user}@${node.host}:${node.port}`, async () => {
      const { client: c, fingerprint } = await connectNode(node, { privateKey: key.privateKey, password, expectedHostKey: hostKey });
      await updateNode(deps.db, node.id, { host_key_fingerprint: fingerprint });
      await say(`  host key ${fingerprint}${hostKey ? ', the one given,' : ''} (pinned: another key is refused from now on)`);
      return c;
    });
    const ssh = client;
    if (password) {
      await step("Adding Spur's key to ~/.ssh/authorized_keys (the password is not kept)", () => authorizeKey(ssh, key.publicKey));
      left.push(`Spur's key in ~${node.user}/.ssh/authorized_keys`);
    }
    await step('Checking the system', async () => {
      const { stdout } = await runRemote(ssh, 'cat /etc/os-release');
      const os = parseOsRelease(stdout);
      const refused = unsupportedOs(os);
      if (refused) throw new StepFailed(refused);
      await say(`  ${os.prettyName}`);
    });
    const docker = await step('Checking Docker', async () => {
      const reached = await remoteDocker(ssh).catch((err: Error) => {
        if (err instanceof RemoteDockerUnsupported) throw new StepFailed(err.message);
        return undefined;
      });
      if (reached) {
        await say(`  Docker ${(await reached.version()).Version}`);
        return reached;
      }
      const { stdout } = await runRemote(ssh, 'id -u');
      if (stdout.trim() !== '0') throw new StepFailed(`Docker does not answer at /var/run/docker.sock for ${node.user}: install Docker, or add ${node.user} to the docker group, or enroll as root`);
      await say('  Docker is not installed: installing docker.io from the distribution');
      const install = await runRemote(ssh, INSTALL_DOCKER);
      if (install.code !== 0) throw new StepFailed(`installing Docker failed: ${install.stderr.trim().split('\n').at(-1) ?? `exit ${install.code}`}`);
      left.push('Docker (docker.io), installed');
      const installed = await remoteDocker(ssh);
      await say(`  Docker ${(await installed.version()).Version}`);
      return installed;
    });
    await step('Checking it is in no Swarm', async () => {
      const info = await docker.info();
      if (info.Swarm?.LocalNodeState !== 'inactive') throw new StepFailed(`its Docker is already part of a Swarm (state ${info.Swarm?.LocalNodeState}); run \`docker swarm leave\` on it first if it should leave that one`);
    });
    await step(`Installing the health probe at ${deps.probePath}`, () => installFile(ssh, deps.probePath, deps.probePath, 0o755));
    left.push(`the health probe at ${deps.probePath}`);
    const nodeId = await step(JOIN_STEP, async () => {
      const address = await advertiseAddress(node.host);
      // In turn with other joins and rotations: a rotation between reading the token and joining
      // with it would refuse this server.
      const id = await inTurn(() => joinSwarm(deps.docker, docker, address)).catch((err: Error) => {
        if (err instanceof JoinRefused) joinedAs = err.joined;
        throw err;
      });
      joinedAs = id;
      await updateNode(deps.db, node.id, { swarm_node_id: id });
      await say(`  Swarm node ${id}`);
      return id;
    });
    await step(`Labelling it ${NODE_LABEL}=${node.name}, ${ENROLLED_LABEL}=true`, async () => {
      await awaitNodeState(deps.docker, nodeId, 'ready', 60_000);
      await ensureNodeLabels(deps.docker, nodeId, { [NODE_LABEL]: node.name, [ENROLLED_LABEL]: 'true' });
    });
    await updateNode(deps.db, node.id, { status: 'ready', error: null });
    await say(`✓ ${node.name} is ready`);
  } catch (err) {
    const reason = (err as Error).message;
    if (err instanceof TokenNotRotated) deps.log.error('the Swarm worker join token handed to a server could not be rotated', { server: node.name, error: reason });
    await say(`✗ ${current}: ${reason}`);
    if (joinedAs && client) {
      await remoteDocker(client)
        .then((worker) => leaveSwarm(deps.docker, worker, joinedAs!))
        .then(() => say('  undone: it left the Swarm again'))
        .catch((e: Error) => say(`  it could not leave the Swarm again: ${e.message}`));
    }
    if (left.length) await say(`  left on the server: ${left.join('; ')}`);
    await updateNode(deps.db, node.id, { status: 'failed', error: `${current}: ${reason}` });
  } finally {
    client?.end();
  }
}

/** The address other nodes reach this one at: its IP, or what its name resolves to here. */
async function advertiseAddress(host: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    throw new StepFailed(`${host} does not resolve to an IPv4 address from this server`);
  }
}

/** A join refused after it happened: `joined` is the node the manager saw join, to undo. */
class JoinRefused extends StepFailed {
  constructor(message: string, readonly joined?: string) {
    super(message);
  }
}

/** The join token a server was handed still admits anyone who has it. */
export class TokenNotRotated extends JoinRefused {}

type ListedNode = { ID: string; Spec?: { Role?: string }; Status?: { Addr?: string } };

/** Which of the nodes the manager lists is the server that just joined: the one that was not
 *  there before the join (of several, the one at the server's address). Pure; undefined while
 *  none has appeared, a JoinRefused when it cannot be told. */
export function joinedNode(before: Set<string>, now: ListedNode[], address: string): string | undefined {
  const fresh = now.filter((n) => !before.has(n.ID) && n.Spec?.Role !== 'manager');
  if (fresh.length <= 1) return fresh[0]?.ID;
  const there = fresh.filter((n) => n.Status?.Addr === address);
  if (there.length === 1) return there[0]!.ID;
  throw new JoinRefused(`${there.length || fresh.length} nodes joined the Swarm${there.length ? ` from ${address}` : ''} meanwhile; Spur cannot tell which one is this server. Remove the ones you do not know (docker node ls) and add it again`);
}

/** Joins the server's Docker to this manager's Swarm as a worker; the join token goes only
 *  inside the Docker API call carried by the SSH session. Answers its Swarm node id as the
 *  manager's own node list shows it: the id the server reports is only compared with it (a
 *  server could report the manager's, which draining or removing it would then act on). */
export async function joinSwarm(manager: Docker, worker: Docker, address: string, opts: { waitMs?: number } = {}): Promise<string> {
  const handed = { token: false };
  let joined: string | undefined;
  let failure: Error | undefined;
  try {
    joined = await joinWithToken(manager, worker, address, handed, opts.waitMs ?? 30_000);
  } catch (err) {
    failure = err as Error;
  }
  // Whether the server was let in or refused, and even when its join failed: its Docker was handed
  // the token, and whoever controls it can keep it and join any machine later.
  if (handed.token) {
    await rotateWorkerToken(manager).catch((err: Error) => {
      const why = `the worker join token it was handed could not be rotated (${err.message}): it still lets anyone who has it join the Swarm; run \`docker swarm join-token --rotate worker\` on this server`;
      throw new TokenNotRotated(failure ? `${failure.message}; and ${why}` : why, joined ?? (failure as JoinRefused | undefined)?.joined);
    });
  }
  if (failure) throw failure;
  return joined!;
}

async function joinWithToken(manager: Docker, worker: Docker, address: string, handed: { token: boolean }, waitMs: number): Promise<string> {
  const swarm = await manager.swarmInspect();
  const managers = ((await manager.info()).Swarm?.RemoteManagers ?? []).map((m: { Addr: string }) => m.Addr);
  const before = new Set(((await manager.listNodes()) as ListedNode[]).map((n) => n.ID));
  handed.token = true;
  await worker.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: address, RemoteAddrs: managers, JoinToken: swarm.JoinTokens.Worker }).catch((err: Error) => {
    throw new StepFailed(`joining failed: ${err.message.replace(/^\(HTTP code \d+\) [a-z ]+- /, '')} (it must reach ${managers.join(', ')} on TCP 2377, and the manager it on TCP/UDP 7946 and UDP 4789)`);
  });
  const deadline = Date.now() + waitMs;
  let observed: string | undefined;
  while (!(observed = joinedNode(before, (await manager.listNodes()) as ListedNode[], address))) {
    if (Date.now() > deadline) throw new StepFailed(`no new node appeared in the Swarm within ${waitMs / 1000} s of the server joining it`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const reported = (await worker.info()).Swarm?.NodeID as string | undefined;
  if (reported !== observed) throw new JoinRefused(`it reports Swarm node id ${reported ?? '(none)'}, but the node that joined is ${observed}: refused, as a server that is not what it claims`, observed);
  return observed;
}
