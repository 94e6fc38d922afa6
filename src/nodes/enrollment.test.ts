import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { joinSwarm } from './enrollment.js';

type Listed = { ID: string; Spec: { Role: string }; Status: { State: string; Addr?: string } };
const MANAGER = 'managernodeid0000000000000';

/** The manager's Docker as joinSwarm sees it: its node list grows as servers join. */
function fakeManager(nodes: Listed[]) {
  return {
    swarmInspect: async () => ({ JoinTokens: { Worker: 'SWMTKN-worker' } }),
    info: async () => ({ Swarm: { NodeID: MANAGER, RemoteManagers: [{ Addr: '10.77.0.1:2377' }] } }),
    listNodes: async () => nodes.map((n) => structuredClone(n)),
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

  it('tells two servers joining at once apart by the address the manager sees', async () => {
    const nodes = existing();
    const server = fakeServer(nodes, { joins: [worker('elsewhere0000000000000000', '10.77.0.9'), worker('newnode000000000000000000', '10.77.0.2')], reports: 'newnode000000000000000000' });
    expect(await joinSwarm(fakeManager(nodes), server, '10.77.0.2')).toBe('newnode000000000000000000');
  });
});
