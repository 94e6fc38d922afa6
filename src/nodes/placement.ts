// Where a service's tasks may run: any node, the manager, or one enrolled server by name. Pure.
import { ENROLLED_LABEL, NODE_LABEL } from './swarm-membership.js';

/** Stored as null (any node), 'manager', or an enrolled server's name. */
export type Placement = string | null;

export const MANAGER_PLACEMENT = 'manager';

/** "Any" means the manager or a server Spur enrolled, both labelled by Spur (Swarm has no "or"):
 *  a node that joined with a kept join token, unlabelled, is given none of the tasks. */
export function placementConstraints(placement: Placement): string[] {
  if (!placement) return [`node.labels.${ENROLLED_LABEL}==true`];
  if (placement === MANAGER_PLACEMENT) return ['node.role==manager'];
  return [`node.labels.${NODE_LABEL}==${placement}`];
}

/** The constraints of a running service placed "any" by an earlier version (none, or only the
 *  `node.id!=` of a drain) with the rule for trusted nodes added; undefined when it is placed
 *  already (a role, a node, a server's name, or the rule). */
export function trustedNodesOnly(constraints: string[]): string[] | undefined {
  const placed = constraints.map((c) => c.replace(/\s+/g, '')).some((c) => c.startsWith('node.role==') || c.startsWith('node.id==') || c.startsWith('node.labels.'));
  return placed ? undefined : [...constraints, ...placementConstraints(null)];
}

/** The Swarm node id a constraint list pins to (`node.id==…`), if any. */
export const pinnedNodeId = (constraints: string[] | undefined) => constraints?.find((c) => c.startsWith('node.id=='))?.slice('node.id=='.length);

/** Constraints for a deploy: a service with volumes stays on the node that holds them (the one
 *  it is pinned to already, else where its placement puts it, else the manager). */
export function deployConstraints(input: { placement: Placement; hasVolumes: boolean; pinnedTo?: string; managerId: string; placementNodeId?: string }): string[] {
  if (!input.hasVolumes) return placementConstraints(input.placement);
  return [`node.id==${input.pinnedTo ?? input.placementNodeId ?? input.managerId}`];
}

/** The enrolled servers a service's constraints let its tasks run on. */
export function serversFor<S extends { name: string; swarmNodeId: string | null }>(constraints: string[], servers: S[]): S[] {
  const pinned = pinnedNodeId(constraints);
  if (pinned) return servers.filter((s) => s.swarmNodeId === pinned);
  if (constraints.includes('node.role==manager')) return [];
  const named = constraints.find((c) => c.startsWith(`node.labels.${NODE_LABEL}==`))?.split('==')[1];
  return named ? servers.filter((s) => s.name === named) : servers;
}
