// Checks the Docker daemon Spur depends on and converges it: Swarm active, the edge network present.
import type { Log } from '../log.js';
import { SPUR_MAX_API, SPUR_MIN_API } from './api-version.js';
import { type DockerClient, isNotFound, negotiateApiVersion } from './client.js';
import { EDGE_NETWORK, MANAGED_LABEL, ownershipLabels } from './names.js';

export interface DaemonState {
  reachable: boolean;
  swarm: boolean;
  version?: string;
  apiVersion?: string;
  /** The Engine API versions: the daemon's, the one Spur speaks to it, and whether Spur can. */
  api?: EngineApi;
  /** What is wrong, in words a user can act on. */
  problem?: string;
}

export interface EngineApi {
  supported: boolean;
  /** The daemon's newest API version. */
  daemon: string;
  /** The version Spur's requests name; absent when unsupported. */
  using?: string;
  /** The range Spur supports, e.g. "1.41 to 1.52". */
  spur: string;
  problem?: string;
}

const SPUR_RANGE = `${SPUR_MIN_API} to ${SPUR_MAX_API}`;

/** Reachability, API version and Swarm state; never throws. Negotiates the API version each time,
 *  so a daemon upgraded while Spur runs is spoken to at a version it still accepts. */
export async function inspectEngine(docker: DockerClient): Promise<DaemonState> {
  try {
    const negotiated = await negotiateApiVersion(docker);
    const known = { version: negotiated.engineVersion, apiVersion: negotiated.daemon.apiVersion };
    if (!negotiated.supported) {
      const api = { supported: false, daemon: negotiated.daemon.apiVersion, spur: SPUR_RANGE, problem: negotiated.problem };
      return { reachable: true, swarm: false, ...known, api, problem: negotiated.problem };
    }
    const api = { supported: true, daemon: negotiated.daemon.apiVersion, using: negotiated.version, spur: SPUR_RANGE };
    const info = await docker.info();
    const swarm = info.Swarm?.LocalNodeState === 'active' && info.Swarm?.ControlAvailable === true;
    return { reachable: true, swarm, ...known, api };
  } catch (err) {
    return unreachable(err);
  }
}

const unreachable = (err: unknown): DaemonState => ({ reachable: false, swarm: false, problem: `Docker is not reachable (${(err as Error).message}). Install Docker and start it, or set DOCKER_HOST.` });

/** Initialises a single-node Swarm on the given address when none is active; never throws (a
 *  daemon that stops answering between two requests, as one shutting down does, is unreachable). */
export async function ensureSwarm(docker: DockerClient, opts: { advertiseAddr: string; log: Log }): Promise<DaemonState> {
  let state = await inspectEngine(docker);
  if (!state.reachable || state.swarm || state.api?.supported === false) return state;
  let info;
  try {
    info = await docker.info();
  } catch (err) {
    return unreachable(err);
  }
  if (info.Swarm?.LocalNodeState === 'active') {
    return { ...state, problem: 'This node is a Swarm worker; run Spur on a manager node.' };
  }
  try {
    opts.log.info('initialising a single-node Swarm', { advertiseAddr: opts.advertiseAddr });
    await docker.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: opts.advertiseAddr });
  } catch (err) {
    return { ...state, problem: `Swarm is not active and could not be initialised (${(err as Error).message}). Run: docker swarm init --advertise-addr <this server's IP>` };
  }
  state = await inspectEngine(docker);
  return state;
}

/** Ensures an attachable overlay network exists. An existing network of that name is used as is. */
export async function ensureOverlayNetwork(docker: DockerClient, name: string, labels: Record<string, string>): Promise<void> {
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return;
  try {
    await docker.createNetwork({ Name: name, Driver: 'overlay', Attachable: true, CheckDuplicate: true, Labels: labels });
  } catch (err) {
    // Another request may have created it between the list and the create.
    const again = await docker.listNetworks({ filters: { name: [name] } });
    if (!again.some((n) => n.Name === name)) throw err;
  }
}

export const ensureEdgeNetwork = (docker: DockerClient) => ensureOverlayNetwork(docker, EDGE_NETWORK, ownershipLabels({}));

/** The host's address on docker_gwbridge, the bridge every Swarm task leaves its overlay networks
 *  by: where a container (Traefik) reaches a process on the host. Undefined before Swarm made it. */
export async function gatewayAddress(docker: DockerClient): Promise<string | undefined> {
  try {
    const info = (await docker.getNetwork('docker_gwbridge').inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
    return info.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The addresses on docker_gwbridge of this host's containers of a Swarm service Spur made: where
 *  a request the service (Traefik) sends to the gateway address comes from. */
export async function gatewayBridgeAddresses(docker: DockerClient, serviceName: string): Promise<string[]> {
  const containers = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${serviceName}`, `${MANAGED_LABEL}=true`] } });
  if (containers.length === 0) return [];
  let bridge: { Containers?: Record<string, { IPv4Address?: string; IPv6Address?: string }> };
  try {
    bridge = (await docker.getNetwork('docker_gwbridge').inspect()) as typeof bridge;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  return containers.flatMap((c) => {
    const entry = bridge.Containers?.[c.Id];
    return [entry?.IPv4Address, entry?.IPv6Address].filter((a): a is string => !!a).map((a) => a.replace(/\/\d+$/, ''));
  });
}
