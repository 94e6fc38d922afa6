// Checks the engine Spur depends on and converges it: Swarm active, the edge network present.
import type { Log } from '../log.js';
import { type DockerClient, isNotFound } from './client.js';
import { EDGE_NETWORK, MANAGED_LABEL, ownershipLabels } from './names.js';

export interface EngineState {
  reachable: boolean;
  swarm: boolean;
  version?: string;
  apiVersion?: string;
  /** What is wrong, in words a user can act on. */
  problem?: string;
}

/** Reachability and Swarm state; never throws. */
export async function inspectEngine(docker: DockerClient): Promise<EngineState> {
  try {
    const version = await docker.version();
    const info = await docker.info();
    const swarm = info.Swarm?.LocalNodeState === 'active' && info.Swarm?.ControlAvailable === true;
    return { reachable: true, swarm, version: version.Version, apiVersion: version.ApiVersion };
  } catch (err) {
    return { reachable: false, swarm: false, problem: `Docker is not reachable (${(err as Error).message}). Install Docker and start it, or set DOCKER_HOST.` };
  }
}

/** Initialises a single-node Swarm on the given address when none is active. */
export async function ensureSwarm(docker: DockerClient, opts: { advertiseAddr: string; log: Log }): Promise<EngineState> {
  let state = await inspectEngine(docker);
  if (!state.reachable || state.swarm) return state;
  const info = await docker.info();
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
