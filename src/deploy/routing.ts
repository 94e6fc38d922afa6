// Applies an instance's routing to its running Swarm service at once: when a domain is added or
// removed, and when a certificate arrives or is renewed. A deploy writes the same labels.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { swarmServiceName } from '../docker/names.js';
import { findService, relabelService } from '../docker/swarm.js';
import { SerialQueue } from './serial-queue.js';
import { routesThroughSplit, splitLabels } from '../routing/traffic-split.js';
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

// One relabel at a time per instance: one that read the records before a change (a domain added,
// a certificate arrived) must not write its labels after one that read them since.
const relabels = new SerialQueue();

/** Relabels the instance's Swarm service if it runs; a service not deployed yet gets the labels
 *  with its first deploy. */
export function applyRouting(deps: { db: Db; docker: DockerClient; config: { baseDomain: string } }, key: InstanceKey): Promise<void> {
  return relabels.run(`${key.serviceId}:${key.environmentId}`, async () => {
    const route = await routeFor(deps, key);
    const labels = traefikLabels(route);
    // During a canary or blue-green release the routers keep pointing at its split.
    const current = await findService(deps.docker, route.name);
    await relabelService(deps.docker, route.name, current && routesThroughSplit(current.Spec.Labels, route.name) ? splitLabels(labels, route.name) : labels);
  });
}
