// A server recorded with a manager's Swarm node id (enrolled before Spur took the id from its own
// node list, by a server that reported the manager's): draining, activating or removing it never
// acts on the manager.
import { randomBytes } from 'node:crypto';
import type { DockerClient } from '../docker/client.js';
import { openDatabase } from '../db/open.js';
import { silentLog } from '../log.js';
import { createNodeRecord, findNode, updateNode } from '../store/nodes.js';
import { describe, expect, it } from 'vitest';
import { NodeConnections } from './connections.js';
import { NodeFleet } from './fleet.js';

const MANAGER = 'managernodeid0000000000000';

async function fleetWithServerClaimingTheManager() {
  const db = await openDatabase(':memory:');
  const key = randomBytes(32);
  const changed: string[] = [];
  const docker = {
    getNode: (id: string) => ({
      inspect: async () => ({ ID: id, Version: { Index: 7 }, Spec: { Role: id === MANAGER ? 'manager' : 'worker', Availability: 'active' }, Status: { State: 'ready' } }),
      update: async () => void changed.push(`update ${id}`),
      remove: async () => void changed.push(`remove ${id}`),
    }),
    listServices: async () => [],
    listTasks: async () => [],
  } as unknown as DockerClient;
  const connections = new NodeConnections({ db, key });
  connections.get = async () => Promise.reject(new Error('not reached in this test'));
  const fleet = new NodeFleet({ db, key, docker, log: silentLog, probePath: '/nonexistent', installId: 'test', spoolDir: '/nonexistent', connections });
  const node = await createNodeRecord(db, { name: 'evil', host: '10.77.0.9', port: 22, user: 'root' });
  await updateNode(db, node.id, { status: 'ready', swarm_node_id: MANAGER });
  return { db, fleet, changed };
}

describe("a server recorded with the manager's Swarm node id", () => {
  it('is neither drained nor activated: the manager is not touched', async () => {
    const { fleet, changed } = await fleetWithServerClaimingTheManager();
    await expect(fleet.drain('evil')).rejects.toThrow(`evil is recorded as Swarm node ${MANAGER}, which is a manager`);
    await expect(fleet.activate('evil')).rejects.toThrow('which is a manager');
    expect(changed).toEqual([]);
  });

  it('is removed by forgetting it only; the manager stays in the Swarm', async () => {
    const { db, fleet, changed } = await fleetWithServerClaimingTheManager();
    await fleet.remove('evil');
    expect(changed).toEqual([]);
    expect(await findNode(db, 'evil')).toBeUndefined();
  });
});
