import { describe, expect, it } from 'vitest';
import { serviceSpec } from '../docker/service-spec.js';
import { deployConstraints, placementConstraints, serversFor, trustedNodesOnly } from './placement.js';

const servers = [{ name: 'b', swarmNodeId: 'n-b' }, { name: 'c', swarmNodeId: 'n-c' }];

describe('placement', () => {
  it('turns a placement into Swarm constraints', () => {
    // "Any" is any node Spur trusts (the manager, the servers it enrolled), never a node that
    // joined with a kept join token: Swarm has no "or", so all of them carry spur.enrolled.
    expect(placementConstraints(null)).toEqual(['node.labels.spur.enrolled==true']);
    expect(placementConstraints('manager')).toEqual(['node.role==manager']);
    expect(placementConstraints('b')).toEqual(['node.labels.spur.node==b']);
  });

  it('adds the rule for trusted nodes to the constraints of a service deployed by an earlier version with "any", and to no other', () => {
    expect(trustedNodesOnly([])).toEqual(['node.labels.spur.enrolled==true']);
    expect(trustedNodesOnly(['node.id!=n-b'])).toEqual(['node.id!=n-b', 'node.labels.spur.enrolled==true']);
    for (const placed of [['node.role == manager'], ['node.id==m'], ['node.labels.spur.node==b'], ['node.labels.spur.enrolled==true', 'node.id!=n-b']]) expect(trustedNodesOnly(placed), placed.join()).toBeUndefined();
  });

  it('keeps a service with volumes on the node that holds them', () => {
    expect(deployConstraints({ placement: null, hasVolumes: true, managerId: 'm' })).toEqual(['node.id==m']);
    expect(deployConstraints({ placement: 'b', hasVolumes: true, managerId: 'm', placementNodeId: 'n-b' })).toEqual(['node.id==n-b']);
    expect(deployConstraints({ placement: 'b', hasVolumes: true, pinnedTo: 'n-c', managerId: 'm', placementNodeId: 'n-b' })).toEqual(['node.id==n-c']);
    expect(deployConstraints({ placement: 'b', hasVolumes: false, pinnedTo: 'n-c', managerId: 'm' })).toEqual(['node.labels.spur.node==b']);
  });

  it('ships images only to the servers a service may run on', () => {
    expect(serversFor([], servers).map((s) => s.name)).toEqual(['b', 'c']);
    expect(serversFor(['node.labels.spur.enrolled==true'], servers).map((s) => s.name)).toEqual(['b', 'c']);
    expect(serversFor(['node.role==manager'], servers)).toEqual([]);
    expect(serversFor(['node.labels.spur.node==c'], servers).map((s) => s.name)).toEqual(['c']);
    expect(serversFor(['node.id==n-b'], servers).map((s) => s.name)).toEqual(['b']);
    expect(serversFor(['node.id==m'], servers)).toEqual([]);
  });

  it('gives a service of the "any" placement a spec whose tasks run only on enrolled nodes and the manager', () => {
    const spec = serviceSpec({
      project: 'shop', service: 'web', environment: 'production', deploymentId: 1, image: 'x', replicas: 2, port: 80, variables: {}, routingLabels: {},
      health: { type: 'tcp', port: 80, intervalS: 3, timeoutS: 3, retries: 3, startPeriodS: 30 }, resources: {}, restart: { condition: 'any', maxAttempts: 0 },
      stopGraceS: 10, probePath: '/var/lib/spur/bin/spur-probe', installId: 'inst1', constraints: placementConstraints(null),
    });
    expect(spec.TaskTemplate.Placement).toEqual({ Constraints: ['node.labels.spur.enrolled==true'] });
  });
});
