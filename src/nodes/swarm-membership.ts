// A server's place in the Swarm as the manager sees it: its state, its availability, its leaving.
import type Docker from 'dockerode';
import { isNotFound, isOutOfSequence } from '../docker/client.js';

/** The Swarm node label naming an enrolled server (placement constraints use it). */
export const NODE_LABEL = 'spur.node';
/** The Swarm node label of the nodes tenants' tasks may run on: the manager and the servers Spur
 *  enrolled. Node labels are set by a manager only, so a node that joined behind Spur's back (with
 *  a join token it kept) carries none and is given no task of the "any" placement. */
export const ENROLLED_LABEL = 'spur.enrolled';

interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role: string; Availability: string; Labels?: Record<string, string>; Name?: string };
  Status: { State: string; Addr?: string };
}

/** What the owner is told of a worker in the Swarm that Spur did not enrol. */
export const notEnrolledWarning = (id: string) => `joined the Swarm without Spur: no task of this Spur runs there. If you do not know it, run \`docker node rm --force ${id}\` and \`docker swarm join-token --rotate worker\` on this server`;

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

/** Adds `labels` to the node's own (a manager's update; nothing is changed when it has them). */
export async function ensureNodeLabels(docker: Docker, id: string, labels: Record<string, string>): Promise<void> {
  const node = await inspectSwarmNode(docker, id);
  if (!node) throw new Error(`the Swarm has no node ${id}`);
  if (Object.entries(labels).every(([k, v]) => node.Spec.Labels?.[k] === v)) return;
  await docker.getNode(id).update({ _query: { version: node.Version.Index }, _body: { ...node.Spec, Labels: { ...node.Spec.Labels, ...labels } } });
}

/** Has the Swarm issue a new worker join token, so the one Spur handed a server admits no one
 *  any more. Read again and retried when another update changed the Swarm in between. */
export async function rotateWorkerToken(manager: Docker): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const swarm = await manager.swarmInspect();
    try {
      await manager.swarmUpdate({ _query: { version: swarm.Version.Index, rotateWorkerToken: true }, _body: swarm.Spec });
      return;
    } catch (err) {
      if (attempt >= 3 || !isOutOfSequence(err)) throw err;
    }
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
