// The build server: one enrolled server may be marked to run the builds, so that they take its
// CPU and memory rather than the manager's. The image it builds is then copied to the manager,
// which keeps every image for rollbacks and sends them on to the servers that run the tasks.
import type { NodeRecord } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { listNodes, markBuildServer } from '../store/nodes.js';
import type { ServerDocker } from './connections.js';
import type { FleetDeps } from './fleet-deps.js';
import { shipImage } from './ship-image.js';
import { inspectSwarmNode } from './swarm-membership.js';

type Say = (line: string) => Promise<void>;

/** Marks the server for builds (the one marked before is no longer), or unmarks it. */
export async function setBuildServer(deps: FleetDeps, node: NodeRecord, on: boolean): Promise<void> {
  if (on && node.status !== 'ready') throw new Conflict(`${node.name} is ${node.status}, not ready`);
  if (on) await markBuildServer(deps.db, node.id);
  else if (node.build_server) await markBuildServer(deps.db, null);
}

/** The server that runs this build: the marked one while the Swarm has it ready and active (a
 *  drained or down one leaves the build to the manager, saying so), or undefined for the manager.
 *  One that cannot be reached over SSH fails the build: it is not silently moved. */
export async function chooseBuilder(deps: FleetDeps, say: Say): Promise<ServerDocker | undefined> {
  const marked = (await listNodes(deps.db)).find((n) => n.build_server && n.status === 'ready');
  if (!marked) return undefined;
  const swarmNode = marked.swarm_node_id ? await inspectSwarmNode(deps.docker, marked.swarm_node_id) : undefined;
  if (swarmNode?.Status.State !== 'ready' || swarmNode.Spec.Availability !== 'active') {
    await say(`The build server ${marked.name} is ${swarmNode ? `${swarmNode.Status.State}, ${swarmNode.Spec.Availability}` : 'not in the Swarm'}: building on the manager`);
    return undefined;
  }
  try {
    return { name: marked.name, docker: (await deps.connections.get(marked)).docker };
  } catch (err) {
    throw new Error(`could not reach the build server ${marked.name}: ${(err as Error).message}`);
  }
}

/** Copies the image just built on the build server to the manager. */
export async function copyToManager(deps: FleetDeps, builder: ServerDocker, image: string, say: Say): Promise<void> {
  const started = Date.now();
  try {
    const outcome = await shipImage(builder.docker, deps.docker, image, deps.spoolDir);
    const kept = outcome.sent && outcome.skipped ? `; ${outcome.skipped} of its ${outcome.layers} layers were there already` : '';
    await say(`Copied the image from ${builder.name} to the manager in ${((Date.now() - started) / 1000).toFixed(1)} s${kept}`);
  } catch (err) {
    throw new Error(`could not copy the image from ${builder.name}: ${(err as Error).message}`);
  }
}
