// A server's place in the Swarm as the manager sees it: its state, its availability, its leaving.
import type Docker from 'dockerode';
import { isNotFound } from '../docker/client.js';

/** The Swarm node label naming an enrolled server (placement constraints use it). */
export const NODE_LABEL = 'spur.node';

interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role: string; Availability: string; Labels?: Record<string, string>; Name?: string };
  Status: { State: string; Addr?: string };
}

export async function inspectSwarmNode(docker: Docker, id: string): Promise<SwarmNode | undefined> {
  try {
    return (await docker.getNode(id).inspect()) as SwarmNode;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function awaitNodeState(docker: Docker, id: string, state: 'ready' | 'down', timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = await inspectSwarmNode(docker, id);
    if (!node || node.Status.State === state) return;
    if (Date.now() > deadline) throw new Error(`the Swarm still reports it ${node.Status.State} after ${timeoutMs / 1000} s, not ${state}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function setAvailability(docker: Docker, id: string, availability: 'active' | 'drain'): Promise<void> {
  const node = await inspectSwarmNode(docker, id);
  if (!node) throw new Error(`the Swarm has no node ${id}`);
  if (node.Spec.Availability === availability) return;
  await docker.getNode(id).update({ _query: { version: node.Version.Index }, _body: { ...node.Spec, Availability: availability } });
}

/** The worker leaves (when it can be reached), and the manager forgets it. */
export async function leaveSwarm(manager: Docker, worker: Docker | undefined, id: string | undefined): Promise<void> {
  if (worker) await worker.swarmLeave({ force: true }).catch((err: Error) => { if (!/not part of a swarm/i.test(err.message)) throw err; });
  if (!id) return;
  if (worker) await awaitNodeState(manager, id, 'down', 30_000).catch(() => {});
  await manager.getNode(id).remove({ force: true }).catch((err) => { if (!isNotFound(err)) throw err; });
}
