// A new version beside the old behind one set of domains (canary, blue-green): the new version is
// a second Swarm service, `<name>_next` (an instance's name has four parts and no part holds `_`,
// so no instance or database can be named so), that Traefik knows as a service but routes nothing
// to itself; the instance's routers point at a weighted service in Traefik's file provider that
// sends each share of the traffic to one of the two. Pure.
import { EDGE_NETWORK, nextServiceName } from '../docker/names.js';

export { nextServiceName };

/** The weighted service the routers point at while the traffic is split. */
export const splitServiceName = (name: string) => `${name}-split`;

/** The file (in Traefik's dynamic directory) that holds the weights. */
export const splitFileName = (name: string) => `split-${name}.yml`;

/** Traefik's file-provider configuration giving `percent` of the requests to the new version. */
export function splitConfig(name: string, percent: number) {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new Error(`a share of the traffic is 0 to 100 percent, not ${percent}`);
  return {
    http: {
      services: {
        [splitServiceName(name)]: {
          weighted: {
            services: [
              { name: `${name}@swarm`, weight: 100 - percent },
              { name: `${nextServiceName(name)}@swarm`, weight: percent },
            ],
          },
        },
      },
    },
  };
}

/** The instance's routing labels with every router that served it pointing at the split. */
export function splitLabels(labels: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, /^traefik\.http\.routers\..+\.service$/.test(k) && v === name ? `${splitServiceName(name)}@file` : v]));
}

/** Whether an instance's labels route it through a split (a canary or blue-green under way). */
export const routesThroughSplit = (labels: Record<string, string> | undefined, name: string) => Object.entries(labels ?? {}).some(([k, v]) => /^traefik\.http\.routers\..+\.service$/.test(k) && v === `${splitServiceName(name)}@file`);

/** The new version's labels: a Traefik service on its port, no router of its own. */
export function nextVersionLabels(name: string, port: number): Record<string, string> {
  return {
    'traefik.enable': 'true',
    'traefik.swarm.network': EDGE_NETWORK,
    [`traefik.http.services.${nextServiceName(name)}.loadbalancer.server.port`]: String(port),
  };
}
