// The servers of this Spur: enrolling them (in the background, each step logged), draining and
// activating them without a failed request, removing them, and sending them the images their
// tasks will run.
import type { NodeRecord } from '../db/schema.js';
import { INSTALL_LABEL, MANAGED_LABEL } from '../docker/names.js';
import { type ServiceInfo, updateService } from '../docker/swarm.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { appendNodeLog, createNodeRecord, findNode, listNodes, nodeKey, removeNodeRecord, updateNode } from '../store/nodes.js';
import * as validate from '../validate.js';
import { DF_COMMAND, type DiskSpace, parseDf } from './disk.js';
import { chooseBuilder, copyToManager, setBuildServer } from './build-server.js';
import type { ServerDocker } from './connections.js';
import { enrollNode, oneAtATime, reachedJoin } from './enrollment.js';
import { runRemote } from './ssh.js';
import { READ_FILES_COMMAND, READ_FILES_MAX_BYTES, filesRequest, parseFilesReply } from '../metrics/remote-files.js';
import { installFile } from './sftp.js';
import type { FleetDeps } from './fleet-deps.js';
import { MANAGER_PLACEMENT, serversFor, trustedNodesOnly } from './placement.js';
import { shipImage } from './ship-image.js';
import { ENROLLED_LABEL, NODE_LABEL, ensureNodeLabels, inspectSwarmNode, leaveSwarm, notEnrolledWarning, rotateWorkerToken, setAvailability } from './swarm-membership.js';

export interface AddNodeInput {
  address?: unknown;
  port?: unknown;
  name?: unknown;
  password?: unknown;
  /** The server's host key fingerprint (SHA256:…), read on the server; needed with a password. */
  hostKey?: unknown;
}

const PASSWORD_NEEDS_HOST_KEY = "a password is sent only to the server whose host key this is: give its fingerprint (SHA256:…), read on the server with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` (or `ssh-keyscan -t ed25519 <host> | ssh-keygen -lf -` over a network you trust)";
const AVOID = (id: string) => `node.id!=${id}`;
const MOVE_TIMEOUT_MS = 180_000;

export class NodeFleet {
  private readonly running = new Set<Promise<unknown>>();
  private readonly disks = new Map<string, { at: number; space: DiskSpace | null }>();
  /** Servers given this Spur's health probe since it started. */
  private readonly probeCurrent = new Set<number>();
  /** Joins and join-token rotations, one at a time: a rotation between an enrollment reading the
   *  token and joining with it would refuse that server. */
  private readonly swarmTurn = oneAtATime();

  constructor(private readonly deps: FleetDeps) {}

  /** Spur's public key, for a server's authorized_keys. */
  async publicKey(): Promise<string> {
    return (await nodeKey(this.deps.db, this.deps.key)).publicKey;
  }

  /** Records the server and starts enrolling it; its log tells how that goes. */
  async add(input: AddNodeInput): Promise<NodeRecord> {
    const checked = validate.fields({
      address: () => validate.serverAddress(input.address),
      port: () => validate.optional(input.port, validate.port) ?? 22,
      name: () => validate.optional(input.name, (v) => validate.resourceName('node', v)),
      password: () => validate.optional(input.password, validate.serverPassword),
      hostKey: () => {
        const hostKey = validate.optional(input.hostKey, validate.hostKeyFingerprint);
        if (!hostKey && validate.optional(input.password, String)) throw new InvalidInput('hostKey', PASSWORD_NEEDS_HOST_KEY);
        return hostKey;
      },
    });
    const name = checked.name ?? defaultName(checked.address.host);
    if (name === MANAGER_PLACEMENT) throw new Conflict('"manager" names this server in placements; choose another name');
    const node = await createNodeRecord(this.deps.db, { name, host: checked.address.host, port: checked.port, user: checked.address.user });
    this.track(enrollNode(this.deps, node, { password: checked.password, hostKey: checked.hostKey, inTurn: this.swarmTurn }));
    return node;
  }

  async find(name: string): Promise<NodeRecord> {
    const node = await findNode(this.deps.db, name);
    if (!node) throw new NotFound(`no server named ${name}`);
    return node;
  }

  /** Moves this Spur's tasks off the server (new ones start elsewhere before the old stop),
   *  then tells the Swarm to place nothing there. */
  async drain(name: string): Promise<NodeRecord> {
    const node = await this.ready(name);
    const swarmId = node.swarm_node_id!;
    const pinned = await this.pinnedServices(node);
    if (pinned.length) throw new Conflict(`${pinned.join(', ')} must run on ${name} (placement, or volumes kept there); move or remove ${pinned.length === 1 ? 'it' : 'them'} first`);
    await appendNodeLog(this.deps.db, node.id, '▸ Draining: moving tasks to the other servers');
    await this.moveTasksOff(swarmId);
    await setAvailability(this.deps.docker, swarmId, 'drain');
    await appendNodeLog(this.deps.db, node.id, '✓ Drained: no task of this Spur runs there');
    return node;
  }

  /** Lets the Swarm place tasks on the server again, and spreads the services drained off it
   *  back (a rolling update of each). */
  async activate(name: string): Promise<NodeRecord> {
    const node = await this.ready(name);
    await setAvailability(this.deps.docker, node.swarm_node_id!, 'active');
    for (const service of await this.ownServices()) {
      const constraints = service.Spec.TaskTemplate.Placement?.Constraints ?? [];
      if (!constraints.includes(AVOID(node.swarm_node_id!))) continue;
      const rest = constraints.filter((c) => c !== AVOID(node.swarm_node_id!));
      // Swarm leaves tasks where they are when only a constraint is dropped: a forced (rolling,
      // start-first) update lets the spread place them again.
      const template = service.Spec.TaskTemplate;
      await updateService(this.deps.docker, service, { ...service.Spec, TaskTemplate: { ...template, Placement: { ...template.Placement, Constraints: rest }, ForceUpdate: (template.ForceUpdate ?? 0) + 1 } });
    }
    await appendNodeLog(this.deps.db, node.id, '✓ Active: tasks may be placed there again');
    return node;
  }

  /** Drains the server, has it leave the Swarm, rotates the worker join token (what it was handed
   *  at enrollment joins nothing any more: an owner removes a server after a compromise), and
   *  forgets it (its pinned host key with it). A server that never joined, or failed to, is only
   *  forgotten (after the rotation, when it was handed the token). */
  async remove(name: string): Promise<void> {
    const node = await this.find(name);
    if (node.status === 'enrolling' || node.status === 'removing') throw new Conflict(`${name} is ${node.status}; wait until that ends`);
    let joined = node.swarm_node_id ? await inspectSwarmNode(this.deps.docker, node.swarm_node_id) : undefined;
    if (joined?.Spec.Role === 'manager') {
      await appendNodeLog(this.deps.db, node.id, `  its recorded Swarm node ${joined.ID} is a manager, not this server: Spur only forgets it (find the server's own node with \`docker node ls\` and remove it there)`);
      joined = undefined;
    }
    if (joined) {
      const pinned = await this.pinnedServices(node);
      if (pinned.length) throw new Conflict(`${pinned.join(', ')} must run on ${name} (placement, or volumes kept there); move or remove ${pinned.length === 1 ? 'it' : 'them'} first`);
    }
    await updateNode(this.deps.db, node.id, { status: 'removing' });
    const say = (line: string) => appendNodeLog(this.deps.db, node.id, line);
    try {
      if (joined) {
        await say('▸ Removing: moving tasks to the other servers');
        await this.moveTasksOff(node.swarm_node_id!);
        await setAvailability(this.deps.docker, node.swarm_node_id!, 'drain');
        await say('▸ Leaving the Swarm');
        const remote = await this.deps.connections.get(node).then((c) => c.docker, async (err: Error) => {
          await say(`  ${err.message}: the manager forgets it, but the server still believes it is in the Swarm (run \`docker swarm leave --force\` there)`);
          return undefined;
        });
        await leaveSwarm(this.deps.docker, remote, node.swarm_node_id!);
      }
    } catch (err) {
      await say(`✗ Removing: ${(err as Error).message}`);
      await updateNode(this.deps.db, node.id, { status: 'ready', error: `removing: ${(err as Error).message}` });
      throw err;
    } finally {
      this.deps.connections.close(node.id);
    }
    if (reachedJoin(node)) await this.rotateAfterRemoving(node);
    await removeNodeRecord(this.deps.db, node.id);
  }

  private async rotateAfterRemoving(node: NodeRecord): Promise<void> {
    const { name } = node;
    const say = (line: string) => appendNodeLog(this.deps.db, node.id, line);
    await say('▸ Rotating the Swarm worker join token');
    await this.swarmTurn(() => rotateWorkerToken(this.deps.docker)).catch(async (err: Error) => {
      const why = `${name} left the Swarm, but the worker join token could not be rotated (${err.message}): it still lets anyone who has it join the Swarm; run \`docker swarm join-token --rotate worker\` on this server, or remove ${name} again`;
      this.deps.log.error('the Swarm worker join token could not be rotated', { server: name, error: err.message });
      await say(`✗ ${why}`);
      await updateNode(this.deps.db, node.id, { status: 'failed', error: why });
      throw new Error(why);
    });
  }

  /** Sends the image to every enrolled server the service's constraints let it run on, before a
   *  rollout, so no task fails with "No such image". Says what it did, with the time it took. */
  async shipForDeploy(image: string, constraints: string[], say: (line: string) => Promise<void>): Promise<void> {
    const ready = (await listNodes(this.deps.db)).filter((n) => n.status === 'ready');
    const targets = serversFor(constraints, ready.map((n) => ({ ...n, swarmNodeId: n.swarm_node_id })));
    await Promise.all(targets.map(async (node) => {
      const started = Date.now();
      const swarmNode = node.swarm_node_id ? await inspectSwarmNode(this.deps.docker, node.swarm_node_id) : undefined;
      if (swarmNode?.Spec.Availability !== 'active' || swarmNode.Status.State !== 'ready') return say(`Not sending the image to ${node.name}: it is ${swarmNode ? `${swarmNode.Status.State}, ${swarmNode.Spec.Availability}` : 'not in the Swarm'}`);
      try {
        const { docker } = await this.deps.connections.get(node);
        const outcome = await shipImage(this.deps.docker, docker, image, this.deps.spoolDir);
        if (!outcome.sent) return say(`${node.name} already has the image`);
        const kept = outcome.skipped ? `; ${outcome.skipped} of its ${outcome.layers} layers were there already` : '';
        await say(`Sent the image to ${node.name} in ${((Date.now() - started) / 1000).toFixed(1)} s${kept}`);
      } catch (err) {
        throw new Error(`could not send the image to ${node.name}: ${(err as Error).message}`);
      }
    }));
  }

  /** Gives every server the service's tasks may run on this Spur's health probe, once while it
   *  runs: a server enrolled by an earlier Spur has the probe of then, which does not know the
   *  checks today's specs ask for. A server Swarm cannot place tasks on now is left for later. */
  async ensureProbe(constraints: string[]): Promise<void> {
    const ready = (await listNodes(this.deps.db)).filter((n) => n.status === 'ready' && !this.probeCurrent.has(n.id));
    const targets = serversFor(constraints, ready.map((n) => ({ ...n, swarmNodeId: n.swarm_node_id })));
    await Promise.all(targets.map(async (node) => {
      const swarmNode = node.swarm_node_id ? await inspectSwarmNode(this.deps.docker, node.swarm_node_id) : undefined;
      if (swarmNode?.Spec.Availability !== 'active' || swarmNode.Status.State !== 'ready') return;
      try {
        const { client } = await this.deps.connections.get(node);
        await installFile(client, this.deps.probePath, this.deps.probePath, 0o755);
        this.probeCurrent.add(node.id);
      } catch (err) {
        throw new Error(`could not install the health probe on ${node.name}: ${(err as Error).message}`);
      }
    }));
  }

  /** Marks the server to run the builds (the one marked before no longer does), or gives the
   *  builds back to the manager. */
  async setBuildServer(name: string, on: boolean): Promise<NodeRecord> {
    const node = await this.find(name);
    await setBuildServer(this.deps, node, on);
    await appendNodeLog(this.deps.db, node.id, on ? '✓ Builds run here' : '✓ Builds run on the manager again');
    return this.find(name);
  }

  /** Where the next build runs: the build server (see build-server.ts), or the manager (undefined). */
  builder(say: (line: string) => Promise<void>): Promise<ServerDocker | undefined> {
    return chooseBuilder(this.deps, say);
  }

  copyToManager(builder: ServerDocker, image: string, say: (line: string) => Promise<void>): Promise<void> {
    return copyToManager(this.deps, builder, image, say);
  }

  /** Every ready server that answers over SSH now, for upkeep such as pruning images. */
  async reachable(): Promise<ServerDocker[]> {
    const ready = (await listNodes(this.deps.db)).filter((n) => n.status === 'ready');
    const reached = await Promise.all(ready.map((n) => this.deps.connections.get(n).then((c) => ({ name: n.name, docker: c.docker }), () => undefined)));
    return reached.filter((r) => r !== undefined);
  }

  /** The server's disk where Docker keeps its data, asked over SSH at most every 30 s; null when
   *  it cannot be asked. */
  async disk(name: string): Promise<DiskSpace | null> {
    const cached = this.disks.get(name);
    if (cached && Date.now() - cached.at < 30_000) return cached.space;
    const node = await this.find(name);
    const space = await this.deps.connections
      .get(node)
      .then(({ client }) => runRemote(client, DF_COMMAND, { timeoutMs: 5_000, maxBytes: 64 * 1024 }))
      .then((r) => parseDf(r.stdout), () => null);
    this.disks.set(name, { at: Date.now(), space });
    return space;
  }

  /** The enrolled servers in the Swarm and ready, by Swarm node id: those whose metrics are read. */
  async readyNodes(): Promise<{ name: string; nodeId: string }[]> {
    return (await listNodes(this.deps.db)).flatMap((n) => (n.status === 'ready' && n.swarm_node_id ? [{ name: n.name, nodeId: n.swarm_node_id }] : []));
  }

  /** Kernel files of a server and its disk, in one SSH round trip (src/metrics/remote-files.ts);
   *  null when it does not answer within 10 s. */
  async readFiles(name: string, paths: readonly string[]): Promise<{ disk: DiskSpace | null; files: Map<string, string | null> } | null> {
    const request = filesRequest(paths);
    const node = await this.find(name);
    return this.deps.connections
      .get(node)
      .then(({ client }) => runRemote(client, READ_FILES_COMMAND, { stdin: request.stdin, timeoutMs: 10_000, maxBytes: READ_FILES_MAX_BYTES }))
      .then((r) => {
        const { df, files } = parseFilesReply(request.marker, paths, r.stdout);
        return { disk: parseDf(df), files };
      }, () => null);
  }

  /** Enrollments and removals in flight; tests and shutdown wait on them. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /** After a restart: the manager and the servers Spur enrolled carry the label that lets tenants'
   *  tasks run there; an enrollment that was cut off failed; a removal that was goes on. */
  async reconcile(): Promise<void> {
    for (const node of await listNodes(this.deps.db)) {
      if (node.status === 'enrolling') {
        await appendNodeLog(this.deps.db, node.id, '✗ Spur restarted during the enrollment: remove the server and add it again');
        await updateNode(this.deps.db, node.id, { status: 'failed', error: 'Spur restarted during the enrollment' });
      } else if (node.status === 'removing') {
        await updateNode(this.deps.db, node.id, { status: 'ready' });
        this.track(this.remove(node.name));
      }
    }
    await this.labelEnrolledNodes();
    await this.warnOfNodesNotEnrolled();
    await this.keepServicesOnTrustedNodes();
  }

  /** Services deployed with "any" before it meant the trusted nodes only get the rule now (a
   *  rolling, start-first update), not at their next deploy: until then a node that joined with
   *  a kept token could be given their tasks. */
  private async keepServicesOnTrustedNodes(): Promise<void> {
    for (const service of await this.ownServices()) {
      const template = service.Spec.TaskTemplate;
      const constraints = trustedNodesOnly(template.Placement?.Constraints ?? []);
      if (!constraints) continue;
      this.deps.log.info(`${service.Spec.Name}: its tasks run on the manager and enrolled servers only from now on`);
      await updateService(this.deps.docker, service, { ...service.Spec, TaskTemplate: { ...template, Placement: { ...template.Placement, Constraints: constraints } } });
    }
  }

  /** A worker no server record names joined with a join token Spur handed out (or one an owner
   *  made): it gets no task, but the owner should know it is there. */
  private async warnOfNodesNotEnrolled(): Promise<void> {
    const recorded = new Set((await listNodes(this.deps.db)).map((n) => n.swarm_node_id));
    for (const n of (await this.deps.docker.listNodes()) as { ID: string; Spec: { Role: string }; Description?: { Hostname?: string } }[]) {
      if (n.Spec.Role !== 'manager' && !recorded.has(n.ID)) this.deps.log.warn(`Swarm node ${n.ID} (${n.Description?.Hostname ?? 'no hostname'}) ${notEnrolledWarning(n.ID)}`);
    }
  }

  /** Servers enrolled before ENROLLED_LABEL existed carry only their name: a node is labelled when
   *  it is the one recorded for a ready server and carries that server's name, set by Spur. */
  private async labelEnrolledNodes(): Promise<void> {
    const managerId = (await this.deps.docker.info()).Swarm?.NodeID as string | undefined;
    if (managerId) await ensureNodeLabels(this.deps.docker, managerId, { [ENROLLED_LABEL]: 'true' });
    for (const node of await listNodes(this.deps.db)) {
      if (node.status !== 'ready' || !node.swarm_node_id) continue;
      const swarmNode = await inspectSwarmNode(this.deps.docker, node.swarm_node_id);
      if (swarmNode?.Spec.Labels?.[NODE_LABEL] !== node.name) continue;
      await ensureNodeLabels(this.deps.docker, swarmNode.ID, { [ENROLLED_LABEL]: 'true' });
    }
  }

  close(): void {
    this.deps.connections.closeAll();
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((err: Error) => this.deps.log.warn('server operation failed', { error: err.message })).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private async ready(name: string): Promise<NodeRecord> {
    const node = await this.find(name);
    if (node.status !== 'ready' || !node.swarm_node_id) throw new Conflict(`${name} is ${node.status}, not ready`);
    // A server enrolled before Spur took the id from its own node list may have reported the
    // manager's: draining that would drain the manager.
    if ((await inspectSwarmNode(this.deps.docker, node.swarm_node_id))?.Spec.Role === 'manager') {
      throw new Conflict(`${name} is recorded as Swarm node ${node.swarm_node_id}, which is a manager, not this server: remove ${name} and add it again`);
    }
    return node;
  }

  private async ownServices(): Promise<ServiceInfo[]> {
    return (await this.deps.docker.listServices({ filters: { label: [`${MANAGED_LABEL}=true`, `${INSTALL_LABEL}=${this.deps.installId}`] } })) as unknown as ServiceInfo[];
  }

  private async pinnedServices(node: NodeRecord): Promise<string[]> {
    const pins = [`node.id==${node.swarm_node_id}`, `node.labels.${NODE_LABEL}==${node.name}`];
    return (await this.ownServices()).filter((s) => (s.Spec.TaskTemplate.Placement?.Constraints ?? []).some((c) => pins.includes(c.replace(/\s+/g, '')))).map((s) => s.Spec.Name);
  }

  /** Each of this Spur's services with a task on the node gets a constraint to avoid it: Swarm
   *  replaces those tasks by its update policy (start-first: the new is healthy before the old
   *  stops). Then the Swarm's own drain stops anything else. */
  private async moveTasksOff(swarmId: string): Promise<void> {
    const own = await this.ownServices();
    const ownIds = new Set(own.map((s) => s.ID));
    const tasksOn = async () => ((await this.deps.docker.listTasks({ filters: { node: [swarmId], 'desired-state': ['running'] } })) as { ServiceID: string }[]).filter((t) => ownIds.has(t.ServiceID));
    const serviceIds = new Set((await tasksOn()).map((t) => t.ServiceID));
    for (const service of own) {
      if (!serviceIds.has(service.ID)) continue;
      const constraints = service.Spec.TaskTemplate.Placement?.Constraints ?? [];
      await updateService(this.deps.docker, service, { ...service.Spec, TaskTemplate: { ...service.Spec.TaskTemplate, Placement: { ...service.Spec.TaskTemplate.Placement, Constraints: [...constraints, AVOID(swarmId)] } } });
    }
    const deadline = Date.now() + MOVE_TIMEOUT_MS;
    while ((await tasksOn()).length) {
      if (Date.now() > deadline) throw new Error(`tasks still run there after ${MOVE_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** A server's name when none is given: the first label of its hostname, or node-<last octet>. */
function defaultName(host: string): string {
  const label = /^\d/.test(host) ? `node-${host.split('.').join('-')}` : host.split('.')[0]!;
  return validate.resourceName('node', label.slice(0, 30).replace(/-+$/, ''));
}

