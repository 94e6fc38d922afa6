// Runs, finds and removes databases' Swarm services. The spec is computed by service-spec.ts;
// applying it again is a no-op unless it changed (digest label).
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { credentialsOf, listAllDatabases } from '../store/databases.js';
import { ENGINES } from './engines/index.js';
import { waitContainersGone } from './ready.js';
import { ensureOverlayNetwork } from '../docker/daemon.js';
import { INSTALL_LABEL, MANAGED_LABEL, ownershipLabels, projectNetworkName } from '../docker/names.js';
import { ensureServiceSpec, findService, removeOwnedService, scaleService } from '../docker/swarm.js';
import type { Credentials } from '../store/databases.js';
import type { DatabaseEngine } from './engine.js';
import { VERIFY_LABEL, type DatabaseRef, databaseServiceName, databaseServiceSpec } from './service-spec.js';

export interface RunnableDatabase extends DatabaseRef {
  /** The Docker volume recorded when it was created. */
  volume: string;
  engine: DatabaseEngine;
  image: string;
  credentials: Credentials;
}

/** This node: where a new database's volume is made and its service pinned. */
async function localNodeId(docker: DockerClient): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { NodeID?: string } };
  if (!info.Swarm?.NodeID) throw new Error('this Docker engine is not a Swarm node');
  return info.Swarm.NodeID;
}

/** Creates the database's service (and its project network), or brings it to the spec; the node
 *  it is pinned to is kept across calls. */
export async function runDatabase(docker: DockerClient, installId: string, d: RunnableDatabase): Promise<void> {
  await ensureOverlayNetwork(docker, projectNetworkName(d), ownershipLabels({ project: d.project, environment: d.environment }));
  const existing = await findService(docker, databaseServiceName(d));
  const pinned = existing?.Spec.TaskTemplate.Placement?.Constraints.find((c) => c.startsWith('node.id=='))?.slice('node.id=='.length);
  const applied = await ensureServiceSpec(docker, databaseServiceSpec({ ...d, installId, nodeId: pinned ?? (await localNodeId(docker)) }));
  // A restore that a stop cut off leaves the service scaled to nothing: it runs again.
  if (applied === 'unchanged' && existing?.Spec.Mode?.Replicated?.Replicas === 0) await scaleService(docker, databaseServiceName(d), 1);
}

/** Removes the service; its volume (the data: the one recorded for it) only when asked, once no
 *  container holds it. */
export async function removeDatabase(docker: DockerClient, d: DatabaseRef & { volume: string }, opts: { deleteData: boolean }): Promise<void> {
  await removeOwnedService(docker, databaseServiceName(d));
  // The server flushes its files as it stops; its network and volume are free once it has.
  await waitContainersGone(docker, d);
  const deadline = Date.now() + 30_000;
  if (!opts.deleteData) return;
  for (;;) {
    try {
      await docker.getVolume(d.volume).remove();
      return;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404) return;
      // 409: a stopping container still holds it.
      if (status !== 409 || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Every database's service brought to its spec: after a restart, and when one went missing.
 *  Throwaway servers a stop left behind mid-verification go (this installation's only: another
 *  Spur on the same Docker may be verifying one now). */
export async function reconcileDatabases(deps: { db: Db; docker: DockerClient; key: Buffer; installId: string }): Promise<void> {
  for (const c of await deps.docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`, `${INSTALL_LABEL}=${deps.installId}`, VERIFY_LABEL] } })) await deps.docker.getContainer(c.Id).remove({ force: true, v: true });
  for (const r of await listAllDatabases(deps.db)) {
    const engine = ENGINES[r.engine];
    if (engine) await runDatabase(deps.docker, deps.installId, { project: r.project, environment: r.environment, name: r.name, volume: r.volume_name, engine, image: r.image, credentials: credentialsOf(deps.key, r) });
  }
}
