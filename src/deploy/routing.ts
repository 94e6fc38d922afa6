// Applies an instance's routing to its running Swarm service at once: when a domain is added or
// removed, and when a certificate arrives or is renewed. A deploy writes the same labels.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { swarmServiceName } from '../docker/names.js';
import { relabelService } from '../docker/swarm.js';
import { instanceRoute } from '../routing/instance-route.js';
import { traefikLabels } from '../routing/traefik-labels.js';
import { type InstanceKey, listDomains } from '../store/domains.js';
import { getInstanceContext } from '../store/services.js';

export async function routeFor(deps: { db: Db; config: { baseDomain: string } }, key: InstanceKey, now = new Date()) {
  const ctx = await getInstanceContext(deps.db, key);
  const name = swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name });
  return instanceRoute({ name, instance: ctx.instance, domains: await listDomains(deps.db, key), baseDomain: deps.config.baseDomain, now });
}

/** The instance's own routing labels now. */
export const routeLabels = async (deps: { db: Db; config: { baseDomain: string } }, key: InstanceKey) => traefikLabels(await routeFor(deps, key));

/** Relabels the instance's Swarm service if it runs; a service not deployed yet gets the labels
 *  with its first deploy. */
export async function applyRouting(deps: { db: Db; docker: DockerClient; config: { baseDomain: string } }, key: InstanceKey): Promise<void> {
  const route = await routeFor(deps, key);
  await relabelService(deps.docker, route.name, traefikLabels(route));
}
