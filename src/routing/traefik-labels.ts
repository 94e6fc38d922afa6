// Traefik v3 Swarm-provider labels that route a service's domains to it. Pure.
import { EDGE_NETWORK } from '../docker/names.js';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

export interface RouteInput {
  /** Router, service and middleware key: the Swarm service name, unique by construction (its
   *  parts cannot contain `_`). Hyphenating it would let `sec`/`shop-web` meet `sec-shop`/`web`. */
  name: string;
  /** Hostnames served over plain HTTP. */
  domains: string[];
  /** Hostnames served over HTTPS (Traefik has their certificates); plain HTTP redirects there. */
  secureDomains: string[];
  port: number;
}

/** Host rule for validated hostnames; refuses anything else so no user string can alter a rule. */
export function hostRule(domains: string[]): string {
  if (domains.length === 0) throw new Error('a route needs at least one domain');
  for (const d of domains) if (!HOSTNAME.test(d)) throw new Error(`refusing to route invalid hostname ${JSON.stringify(d)}`);
  return domains.map((d) => `Host(\`${d}\`)`).join(' || ');
}

export function traefikLabels(route: RouteInput): Record<string, string> {
  const key = route.name;
  const secure: Record<string, string> = route.secureDomains.length === 0 ? {} : {
    [`traefik.http.routers.${key}-secure.rule`]: hostRule(route.secureDomains),
    [`traefik.http.routers.${key}-secure.entrypoints`]: 'websecure',
    [`traefik.http.routers.${key}-secure.tls`]: 'true',
    [`traefik.http.routers.${key}-secure.service`]: key,
    [`traefik.http.routers.${key}-secure.middlewares`]: `${key}-retry`,
    [`traefik.http.routers.${key}-to-https.rule`]: hostRule(route.secureDomains),
    [`traefik.http.routers.${key}-to-https.entrypoints`]: 'web',
    [`traefik.http.routers.${key}-to-https.service`]: key,
    [`traefik.http.routers.${key}-to-https.middlewares`]: `${key}-to-https`,
    [`traefik.http.middlewares.${key}-to-https.redirectscheme.scheme`]: 'https',
    [`traefik.http.middlewares.${key}-to-https.redirectscheme.permanent`]: 'true',
  };
  return {
    'traefik.enable': 'true',
    'traefik.swarm.network': EDGE_NETWORK,
    [`traefik.http.routers.${key}.rule`]: hostRule(route.domains),
    [`traefik.http.routers.${key}.entrypoints`]: 'web',
    [`traefik.http.routers.${key}.service`]: key,
    // A request that cannot connect (a task stopping between two provider polls) is retried on
    // another task instead of failing.
    [`traefik.http.routers.${key}.middlewares`]: `${key}-retry`,
    [`traefik.http.middlewares.${key}-retry.retry.attempts`]: '3',
    [`traefik.http.services.${key}.loadbalancer.server.port`]: String(route.port),
    ...secure,
  };
}
