import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { joinSwarm, oneAtATime } from './enrollment.js';

type Listed = { ID: string; Spec: { Role: string }; Status: { State: string; Addr?: string } };
const MANAGER = 'managernodeid0000000000000';

/** The manager's Docker as joinSwarm sees it: its node list grows as servers join. */
function fakeManager(nodes: Listed[], rotations: unknown[] = [], opts: { rotate?: () => Promise<void> } = {}) {
  let version = 40;
  return {
    swarmInspect: async () => ({ Version: { Index: version }, Spec: { Name: 'default', Raft: { SnapshotInterval: 10000 } }, JoinTokens: { Worker: `SWMTKN-worker-${version}` } }),
    swarmUpdate: async (update: unknown) => {
      await opts.rotate?.();
      rotations.push(update);
      version++;
    },
    info: async () => ({ Swarm: { NodeID: MANAGER, RemoteManagers: [{ Addr: '10.77.0.1:2377' }] } }),
    listNodes: async () => nodes.map((n) => structuredClone(n)),
  } as unknown as Docker;
}

/** A server's Docker that joins only with the token the manager answers now. */
function fakeServerCheckingToken(nodes: Listed[], manager: Docker, joins: Listed) {
  return {
    swarmJoin: async (opts: { JoinToken: string }) => {
      await new Promise((r) => setTimeout(r, 20));
      if (opts.JoinToken !== (await manager.swarmInspect()).JoinTokens.Worker) throw new Error('(HTTP code 500) server error - invalid join token');
      nodes.push(joins);
    },
    info: async () => ({ Swarm: { NodeID: joins.ID } }),
  } as unknown as Docker;
}

/** A server's Docker that joins (adding `joins` to the manager's list) and then reports `reports` as its id. */
function fakeServer(nodes: Listed[], opts: { joins: Listed[]; reports: string }) {
  return {
    swarmJoin: async () => void nodes.push(...opts.joins),
    info: async () => ({ Swarm: { NodeID: opts.reports } }),
  } as unknown as Docker;
}

const worker = (id: string, addr: string): Listed => ({ ID: id, Spec: { Role: 'worker' }, Status: { State: 'ready', Addr: addr } });
const existing = (): Listed[] => [{ ID: MANAGER, Spec: { Role: 'manager' }, Status: { State: 'ready', Addr: '10.77.0.1' } }, worker('otherworker00000000000000', '10.77.0.3')];

describe('joining a server to the Swarm', () => {
  it('answers the id of the node the manager saw join', async () => {
    const nodes = existing();
    const server = fakeServer(nodes, { joins: [worker('newnode000000000000000000', '10.77.0.2')], reports: 'newnode000000000000000000' });
    expect(await joinSwarm(fakeManager(nodes), server, '10.77.0.2')).toBe('newnode000000000000000000');
  });

  it("refuses a server that reports the manager's node id (or another server's): the id is the manager's to tell", async () => {
    for (const reports of [MANAGER, 'otherworker00000000000000']) {
      const nodes = existing();
      const server = fakeServer(nodes, { joins: [worker('newnode000000000000000000', '10.77.0.2')], reports });
      await expect(joinSwarm(fakeManager(nodes), server, '10.77.0.2')).rejects.toThrow(`it reports Swarm node id ${reports}, but the node that joined is newnode000000000000000000`);
    }
  });

  it('refuses when the manager sees no new node, or cannot tell which of several new ones it is', async () => {
    const none = existing();
    await expect(joinSwarm(fakeManager(none), fakeServer(none, { joins: [], reports: MANAGER }), '10.77.0.2', { waitMs: 300 })).rejects.toThrow('no new node appeared in the Swarm within 0.3 s');
    const two = existing();
    const server = fakeServer(two, { joins: [worker('newnode000000000000000000', '10.77.0.2'), worker('newnode111111111111111111', '10.77.0.2')], reports: 'newnode000000000000000000' });
    await expect(joinSwarm(fakeManager(two), server, '10.77.0.2')).rejects.toThrow('2 nodes joined the Swarm from 10.77.0.2 meanwhile');
  });

  it('rotates the worker join token after a server joined with it: the token it was handed admits no one any more', async () => {
    const nodes = existing();
    const rotations: unknown[] = [];
    const server = fakeServer(nodes, { joins: [worker('newnode000000000000000000', '10.77.0.2')], reports: 'newnode000000000000000000' });
    expect(await joinSwarm(fakeManager(nodes, rotations), server, '10.77.0.2')).toBe('newnode000000000000000000');
    expect(rotations).toEqual([{ _query: { version: 40, rotateWorkerToken: true }, _body: { Name: 'default', Raft: { SnapshotInterval: 10000 } } }]);
  });

  it('rotates the worker join token after a refused server too, and after a join that failed', async () => {
    const nodes = existing();
    const rotations: unknown[] = [];
    const server = fakeServer(nodes, { joins: [worker('newnode000000000000000000', '10.77.0.2')], reports: MANAGER });
    await expect(joinSwarm(fakeManager(nodes, rotations), server, '10.77.0.2')).rejects.toThrow(`it reports Swarm node id ${MANAGER}`);
    expect(rotations).toEqual([{ _query: { version: 40, rotateWorkerToken: true }, _body: { Name: 'default', Raft: { SnapshotInterval: 10000 } } }]);
    const failing = { swarmJoin: async () => Promise.reject(new Error('(HTTP code 500) server error - timeout')), info: async () => ({ Swarm: {} }) } as unknown as Docker;
    const again: unknown[] = [];
    await expect(joinSwarm(fakeManager(existing(), again), failing, '10.77.0.2')).rejects.toThrow('joining failed: timeout');
    expect(again).toHaveLength(1);
  });

  it('fails loudly when the token cannot be rotated, saying what to run, and names the node that joined', async () => {
    const nodes = existing();
    const server = fakeServer(nodes, { joins: [worker('newnode000000000000000000', '10.77.0.2')], reports: 'newnode000000000000000000' });
    const manager = fakeManager(nodes, [], { rotate: () => Promise.reject(new Error('(HTTP code 500) server error - raft unavailable')) });
    const err = await joinSwarm(manager, server, '10.77.0.2').catch((e: Error & { joined?: string }) => e);
    expect((err as Error).message).toBe('the worker join token it was handed could not be rotated ((HTTP code 500) server error - raft unavailable): it still lets anyone who has it join the Swarm; run `docker swarm join-token --rotate worker` on this server');
    expect((err as { joined?: string }).joined).toBe('newnode000000000000000000');
  });

  it('tells two servers joining at once apart by the address the manager sees', async () => {
    const nodes = existing();
    const server = fakeServer(nodes, { joins: [worker('elsewhere0000000000000000', '10.77.0.9'), worker('newnode000000000000000000', '10.77.0.2')], reports: 'newnode000000000000000000' });
    expect(await joinSwarm(fakeManager(nodes), server, '10.77.0.2')).toBe('newnode000000000000000000');
  });

  it('lets two servers enrolled at once both join: a rotation never falls between reading the token and joining with it', async () => {
    const nodes = existing();
    const manager = fakeManager(nodes);
    const inTurn = oneAtATime();
    const a = fakeServerCheckingToken(nodes, manager, worker('nodea00000000000000000000', '10.77.0.2'));
    const b = fakeServerCheckingToken(nodes, manager, worker('nodeb00000000000000000000', '10.77.0.3'));
    const joined = await Promise.all([inTurn(() => joinSwarm(manager, a, '10.77.0.2')), inTurn(() => joinSwarm(manager, b, '10.77.0.3'))]);
    expect(joined).toEqual(['nodea00000000000000000000', 'nodeb00000000000000000000']);
  });
});
