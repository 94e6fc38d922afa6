// The Servers of the installation (an owner's): every Swarm node with its state, resources and
// running tasks, the enrolled ones with their enrollment; adding, draining, activating, removing.
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import type { NodeRecord } from '../db/schema.js';
import { type DiskSpace, localDisk } from '../nodes/disk.js';
import { NODE_LABEL, notEnrolledWarning } from '../nodes/swarm-membership.js';
import { listNodes } from '../store/nodes.js';
import { type Actor, requireTo } from './access.js';
import { type AuditObject, SECRET, audit } from './record.js';
import { type MetricsView, metricsOf } from './metrics.js';
import { serverSeries } from '../metrics/sampler.js';
import * as validate from '../validate.js';


interface SwarmNodeListing {
  ID: string;
  Spec: { Role: string; Availability: string; Labels?: Record<string, string> };
  Description: { Hostname: string; Engine?: { EngineVersion?: string }; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status: { State: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean };
}

/** The name a Swarm node goes by: the one it was enrolled under, its label, or its hostname. */
export const serverNameOf = (n: { ID: string; Spec: { Labels?: Record<string, string> }; Description: { Hostname: string } }, records: Pick<NodeRecord, 'name' | 'swarm_node_id'>[]) =>
  records.find((r) => r.swarm_node_id === n.ID)?.name ?? n.Spec.Labels?.[NODE_LABEL] ?? n.Description.Hostname;

export interface ServerView {
  name: string;
  /** Its Swarm node's id; null for a server not (yet) in the Swarm. */
  nodeId: string | null;
  hostname: string | null;
  address: string | null;
  role: 'manager' | 'worker';
  /** The Swarm's view: ready, down, unknown; or, for a server not (yet) in the Swarm, its enrollment. */
  state: string;
  availability: string | null;
  status: NodeRecord['status'] | 'ready';
  error: string | null;
  dockerVersion: string | null;
  cpus: number | null;
  memoryMb: number | null;
  runningTasks: number;
  /** Where Docker keeps its data; null when the server cannot be asked. */
  disk: DiskSpace | null;
  hostKeyFingerprint: string | null;
  /** Enrolled by Spur over SSH (the manager, this server, is not). */
  enrolled: boolean;
  /** Builds run here: the server marked for them, else the manager. */
  buildServer: boolean;
}

const toRecordView = (n: NodeRecord): Omit<ServerView, 'nodeId' | 'hostname' | 'role' | 'state' | 'availability' | 'dockerVersion' | 'cpus' | 'memoryMb' | 'runningTasks' | 'disk'> => ({
  name: n.name,
  address: `${n.user}@${n.host}:${n.port}`,
  status: n.status,
  error: n.error,
  hostKeyFingerprint: n.host_key_fingerprint,
  enrolled: true,
  buildServer: n.build_server === 1,
});

export async function serversView(deps: Deps, user: Actor): Promise<{ servers: ServerView[]; publicKey: string; swarm: boolean }> {
  await requireTo(deps, user, 'servers.manage');
  const records = await listNodes(deps.db);
  const swarmNodes = deps.daemon.ready ? ((await deps.docker.listNodes().catch(() => [])) as unknown as SwarmNodeListing[]) : [];
  const tasks = deps.daemon.ready ? ((await deps.docker.listTasks({ filters: { 'desired-state': ['running'] } }).catch(() => [])) as { NodeID?: string; Status?: { State?: string } }[]) : [];
  const running = (id: string) => tasks.filter((t) => t.NodeID === id && t.Status?.State === 'running').length;
  const servers: ServerView[] = swarmNodes.map((n) => {
    const record = records.find((r) => r.swarm_node_id === n.ID);
    return {
      name: serverNameOf(n, records),
      nodeId: n.ID,
      hostname: n.Description.Hostname,
      address: record ? `${record.user}@${record.host}:${record.port}` : (n.Status.Addr ?? null),
      role: n.Spec.Role === 'manager' ? 'manager' : 'worker',
      state: n.Status.State,
      availability: n.Spec.Availability,
      status: record?.status ?? 'ready',
      error: record ? record.error : n.Spec.Role === 'manager' ? null : notEnrolledWarning(n.ID),
      dockerVersion: n.Description.Engine?.EngineVersion ?? null,
      cpus: n.Description.Resources?.NanoCPUs ? n.Description.Resources.NanoCPUs / 1e9 : null,
      memoryMb: n.Description.Resources?.MemoryBytes ? Math.round(n.Description.Resources.MemoryBytes / 1048576) : null,
      runningTasks: running(n.ID),
      disk: null,
      hostKeyFingerprint: record?.host_key_fingerprint ?? null,
      enrolled: !!record,
      buildServer: record ? record.build_server === 1 : n.Spec.Role === 'manager' && !records.some((r) => r.build_server && r.status === 'ready'),
    };
  });
  const notInSwarm = records.filter((r) => !swarmNodes.some((n) => n.ID === r.swarm_node_id));
  servers.push(...notInSwarm.map((r) => ({ ...toRecordView(r), nodeId: null, hostname: null, role: 'worker' as const, state: r.status === 'ready' ? 'missing' : r.status, availability: null, dockerVersion: null, cpus: null, memoryMb: null, runningTasks: 0, disk: null })));
  await Promise.all(servers.map(async (s) => {
    if (s.role === 'manager' && !s.enrolled) s.disk = await localDisk();
    else if (s.enrolled && s.status === 'ready' && s.state === 'ready') s.disk = await deps.servers.disk(s.name);
  }));
  servers.sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'manager' ? -1 : 1));
  return { servers, publicKey: await deps.servers.publicKey(), swarm: deps.daemon.ready };
}

/** One server: an enrolled one with its enrollment log, or one Spur did not enrol (the manager). */
export async function serverDetail(deps: Deps, user: Actor, name: string): Promise<ServerView & { log: string | null }> {
  await requireTo(deps, user, 'servers.manage');
  const listed = (await serversView(deps, user)).servers;
  const unenrolled = listed.find((s) => !s.enrolled && s.name === name);
  if (unenrolled) return { ...unenrolled, log: null };
  const record = await deps.servers.find(name);
  return { ...listed.find((s) => s.enrolled && s.name === record.name)!, log: record.log };
}

/** A server's CPU, memory, network, disk, load and running tasks over a range. */
/** A server's CPU, memory, network, disk, load and running tasks over a range. Only its Swarm
 *  node's id is needed: it is found from the records and the shared node listing, never by asking
 *  every server for its disk (the dashboard asks this once a server, every minute). */
export async function serverMetrics(deps: Deps, user: Actor, name: string, range: unknown, nowMs = Date.now()): Promise<MetricsView> {
  await requireTo(deps, user, 'servers.manage');
  const records = await listNodes(deps.db);
  const nodes = deps.daemon.ready ? ((await deps.swarmNodes.get().catch(() => [])) as unknown as SwarmNodeListing[]) : [];
  const record = records.find((r) => r.name === name);
  const nodeId = record ? record.swarm_node_id : nodes.find((n) => serverNameOf(n, records) === name)?.ID;
  if (!record && !nodeId) throw new NotFound(`no server ${name}`);
  if (!nodeId) return { range: validate.metricRange(range ?? 'hour'), stepS: 60, points: [], deployments: [], exits: [] };
  return metricsOf(deps, serverSeries(nodeId), range, undefined, nowMs);
}

export async function addServer(deps: Deps, user: Actor, body: Record<string, unknown>) {
  await requireTo(deps, user, 'servers.manage');
  const record = await deps.servers.add(body);
  // The password (if one was given to enrol with) is named, never written.
  await audit(deps, user, 'servers.add', serverObject(record), { after: { name: record.name, address: record.host, port: record.port, ...(body.password ? { password: SECRET.set } : {}) } });
  return { ...toRecordView(record), log: record.log };
}

/** drain, activate; build-here marks the server to run the builds, build-on-manager gives them back. */
export type ServerAction = 'drain' | 'activate' | 'build-here' | 'build-on-manager';

export async function changeServer(deps: Deps, user: Actor, name: string, action: ServerAction) {
  await requireTo(deps, user, 'servers.manage');
  if (action === 'drain') await deps.servers.drain(name);
  else if (action === 'activate') await deps.servers.activate(name);
  else await deps.servers.setBuildServer(name, action === 'build-here');
  await audit(deps, user, `servers.${action}`, serverObject(await deps.servers.find(name)));
  return serverDetail(deps, user, name);
}

export async function removeServer(deps: Deps, user: Actor, name: string): Promise<void> {
  await requireTo(deps, user, 'servers.manage');
  const record = await deps.servers.find(name);
  await deps.servers.remove(name);
  await audit(deps, user, 'servers.remove', serverObject(record), { before: { name: record.name, address: record.host } });
}

const serverObject = (n: Pick<NodeRecord, 'id' | 'name'>): AuditObject => ({ kind: 'server', id: n.id, name: n.name });
