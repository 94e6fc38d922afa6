// A server recorded with a manager's Swarm node id (enrolled before Spur took the id from its own
// node list, by a server that reported the manager's): draining, activating or removing it never
// acts on the manager.
import { randomBytes } from 'node:crypto';
import type { DockerClient } from '../docker/client.js';
import { openDatabase } from '../db/open.js';
import { silentLog } from '../log.js';
import { appendNodeLog, createNodeRecord, findNode, updateNode } from '../store/nodes.js';
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
    swarmInspect: async () => ({ Version: { Index: 3 }, Spec: {} }),
    swarmUpdate: async () => {},
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

/** A manager's Docker with one worker `nodeId` (labelled `labels`) and the manager itself. */
async function fleetWithServer(opts: { nodeId: string; labels: Record<string, string>; rotate?: () => Promise<void>; refused?: boolean; services?: object[] }) {
  const db = await openDatabase(':memory:');
  const key = randomBytes(32);
  const changed: string[] = [];
  const swarmNodes = new Map<string, { Role: string; Labels: Record<string, string> }>([[MANAGER, { Role: 'manager', Labels: {} }], [opts.nodeId, { Role: 'worker', Labels: opts.labels }]]);
  let version = 3;
  const docker = {
    info: async () => ({ Swarm: { NodeID: MANAGER } }),
    swarmInspect: async () => ({ Version: { Index: version }, Spec: { Name: 'default' } }),
    swarmUpdate: async (update: unknown) => {
      await opts.rotate?.();
      changed.push(`swarm update ${JSON.stringify(update)}`);
      version++;
    },
    getNode: (id: string) => ({
      inspect: async () => {
        const n = swarmNodes.get(id);
        if (!n) throw Object.assign(new Error('no such node'), { statusCode: 404 });
        return { ID: id, Version: { Index: 7 }, Spec: { Role: n.Role, Availability: 'active', Labels: n.Labels }, Status: { State: 'ready' } };
      },
      update: async (u: { _body: { Labels?: Record<string, string> } }) => {
        swarmNodes.get(id)!.Labels = u._body.Labels ?? {};
        changed.push(`update ${id}`);
      },
      remove: async () => {
        swarmNodes.delete(id);
        changed.push(`remove ${id}`);
      },
    }),
    listNodes: async () => [...swarmNodes].map(([id, n]) => ({ ID: id, Spec: { Role: n.Role, Labels: n.Labels }, Description: { Hostname: `host-${id}` } })),
    listServices: async () => opts.services ?? [],
    listTasks: async () => [],
    getService: (id: string) => ({ update: async (u: unknown) => void changed.push(`service update ${id} ${JSON.stringify(u)}`) }),
  } as unknown as DockerClient;
  const connections = new NodeConnections({ db, key });
  connections.get = async () => Promise.reject(new Error('not reached in this test'));
  const errors: string[] = [];
  const warnings: string[] = [];
  const log = { ...silentLog, error: (msg: string) => void errors.push(msg), warn: (msg: string) => void warnings.push(msg) };
  const fleet = new NodeFleet({ db, key, docker, log, probePath: '/nonexistent', installId: 'test', spoolDir: '/nonexistent', connections });
  const node = await createNodeRecord(db, { name: 'web2', host: '10.77.0.2', port: 22, user: 'root' });
  if (opts.refused) {
    await appendNodeLog(db, node.id, '▸ Joining the Swarm as a worker');
    await updateNode(db, node.id, { status: 'failed', error: 'Joining the Swarm as a worker: it reports Swarm node id …: refused' });
  } else {
    await updateNode(db, node.id, { status: 'ready', swarm_node_id: opts.nodeId });
  }
  return { db, fleet, changed, swarmNodes, errors, warnings };
}

describe('removing a server', () => {
  it('rotates the worker join token once it left: the server cannot join again with the one it was handed', async () => {
    const { db, fleet, changed } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: { 'spur.node': 'web2', 'spur.enrolled': 'true' } });
    await fleet.remove('web2');
    expect(changed).toEqual(['update web2node0000000000000000', 'remove web2node0000000000000000', 'swarm update {"_query":{"version":3,"rotateWorkerToken":true},"_body":{"Name":"default"}}']);
    expect(await findNode(db, 'web2')).toBeUndefined();
  });

  it('rotates it also for a server refused at the join step (earlier versions did not rotate then)', async () => {
    const { db, fleet, changed } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: {}, refused: true });
    await fleet.remove('web2');
    expect(changed).toEqual(['swarm update {"_query":{"version":3,"rotateWorkerToken":true},"_body":{"Name":"default"}}']);
    expect(await findNode(db, 'web2')).toBeUndefined();
  });

  it('says so, loudly, when the token cannot be rotated, and keeps the server listed to try again', async () => {
    const { db, fleet, errors } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: { 'spur.node': 'web2' }, rotate: () => Promise.reject(new Error('raft unavailable')) });
    await expect(fleet.remove('web2')).rejects.toThrow('web2 left the Swarm, but the worker join token could not be rotated (raft unavailable): it still lets anyone who has it join the Swarm; run `docker swarm join-token --rotate worker` on this server, or remove web2 again');
    expect(await findNode(db, 'web2')).toMatchObject({ status: 'failed', error: expect.stringContaining('could not be rotated') });
    expect(errors).toEqual(['the Swarm worker join token could not be rotated']);
  });
});

describe('servers after a restart', () => {
  it('labels the manager and the servers it enrolled as places for tenants’ tasks (servers enrolled by earlier versions carry only their name)', async () => {
    const { fleet, swarmNodes } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: { 'spur.node': 'web2' } });
    await fleet.reconcile();
    expect(swarmNodes.get(MANAGER)!.Labels).toEqual({ 'spur.enrolled': 'true' });
    expect(swarmNodes.get('web2node0000000000000000')!.Labels).toEqual({ 'spur.node': 'web2', 'spur.enrolled': 'true' });
  });

  it('does not label a node that does not carry the name Spur gave the server', async () => {
    const { fleet, swarmNodes } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: {} });
    await fleet.reconcile();
    expect(swarmNodes.get('web2node0000000000000000')!.Labels).toEqual({});
  });

  it('gives services an earlier version deployed with "any" the rule for trusted nodes, and leaves placed ones alone', async () => {
    const service = (id: string, constraints?: string[]) => ({ ID: id, Version: { Index: 5 }, Spec: { Name: id, Labels: {}, TaskTemplate: { ContainerSpec: { Image: 'x' }, ...(constraints ? { Placement: { Constraints: constraints } } : {}) } } });
    const { fleet, changed } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: { 'spur.node': 'web2', 'spur.enrolled': 'true' }, services: [service('old-any'), service('db', ['node.id==m']), service('current', ['node.labels.spur.enrolled==true'])] });
    await fleet.reconcile();
    expect(changed.filter((c) => c.startsWith('service update'))).toEqual([
      'service update old-any {"_query":{"version":5},"_body":{"Name":"old-any","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"x"},"Placement":{"Constraints":["node.labels.spur.enrolled==true"]}}}}',
    ]);
  });

  it('warns of a worker in the Swarm that Spur did not enrol, and labels it not', async () => {
    const { fleet, swarmNodes, warnings } = await fleetWithServer({ nodeId: 'web2node0000000000000000', labels: { 'spur.node': 'web2' } });
    swarmNodes.set('strangernode000000000000', { Role: 'worker', Labels: {} });
    await fleet.reconcile();
    expect(warnings).toEqual(['Swarm node strangernode000000000000 (host-strangernode000000000000) joined the Swarm without Spur: no task of this Spur runs there. If you do not know it, run `docker node rm --force strangernode000000000000` and `docker swarm join-token --rotate worker` on this server']);
    expect(swarmNodes.get('strangernode000000000000')!.Labels).toEqual({});
  });
});
