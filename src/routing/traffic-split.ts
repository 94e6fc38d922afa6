// A new version beside the old behind one set of domains (canary, blue-green): the new version is
// a second Swarm service, `<name>_new` (docker/names.ts), that nothing routes to by itself; while
// the traffic is split, the instance's routers point at a weighted service in Traefik's file
// provider. Its two children are load balancers on the two services' names on the edge network
// (their tasks' addresses), not the Swarm provider's services: Traefik drops a weighted service
// whose child it does not know, and with it every route, while a missing server only fails that
// share of the requests (which the router's retry sends on). Pure.
import { nextServiceName } from '../docker/names.js';

export { nextServiceName };

/** The weighted service the routers point at while the traffic is split. */
export const splitServiceName = (name: string) => `${name}-split`;

/** The file (in Traefik's dynamic directory) that holds the weights. */
export const splitFileName = (name: string) => `split-${name}.yml`;
export const SPLIT_FILE = /^split-(spur_[a-z0-9-]+_[a-z0-9-]+_[a-z0-9-]+)\.yml$/;

/** Traefik's file-provider configuration giving `percent` of the requests to the new version. */
export function splitConfig(name: string, percent: number, port: number) {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new Error(`a share of the traffic is 0 to 100 percent, not ${percent}`);
  const server = (service: string) => ({ loadBalancer: { servers: [{ url: `http://${service}:${port}` }] } });
  return {
    http: {
      services: {
        [splitServiceName(name)]: {
          weighted: {
            services: [
              { name: `${name}-old`, weight: 100 - percent },
              { name: `${name}-new`, weight: percent },
            ],
          },
        },
        [`${name}-old`]: server(name),
        [`${name}-new`]: server(nextServiceName(name)),
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
