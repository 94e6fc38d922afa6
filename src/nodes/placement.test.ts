import { describe, expect, it } from 'vitest';
import { deployConstraints, placementConstraints, serversFor } from './placement.js';

const servers = [{ name: 'b', swarmNodeId: 'n-b' }, { name: 'c', swarmNodeId: 'n-c' }];

describe('placement', () => {
  it('turns a placement into Swarm constraints', () => {
    expect(placementConstraints(null)).toEqual([]);
    expect(placementConstraints('manager')).toEqual(['node.role==manager']);
    expect(placementConstraints('b')).toEqual(['node.labels.spur.node==b']);
  });

  it('keeps a service with volumes on the node that holds them', () => {
    expect(deployConstraints({ placement: null, hasVolumes: true, managerId: 'm' })).toEqual(['node.id==m']);
    expect(deployConstraints({ placement: 'b', hasVolumes: true, managerId: 'm', placementNodeId: 'n-b' })).toEqual(['node.id==n-b']);
    expect(deployConstraints({ placement: 'b', hasVolumes: true, pinnedTo: 'n-c', managerId: 'm', placementNodeId: 'n-b' })).toEqual(['node.id==n-c']);
    expect(deployConstraints({ placement: 'b', hasVolumes: false, pinnedTo: 'n-c', managerId: 'm' })).toEqual(['node.labels.spur.node==b']);
  });

  it('ships images only to the servers a service may run on', () => {
    expect(serversFor([], servers).map((s) => s.name)).toEqual(['b', 'c']);
    expect(serversFor(['node.role==manager'], servers)).toEqual([]);
    expect(serversFor(['node.labels.spur.node==c'], servers).map((s) => s.name)).toEqual(['c']);
    expect(serversFor(['node.id==n-b'], servers).map((s) => s.name)).toEqual(['b']);
    expect(serversFor(['node.id==m'], servers)).toEqual([]);
  });
});
