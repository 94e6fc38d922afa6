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
  /** Of those, the ones whose answers carry Strict-Transport-Security. */
  hstsDomains: string[];
  /** Hostnames that answer with a permanent redirect to another origin (`https://example.com`),
   *  keeping the path; `secure`: the hostname has a certificate, so HTTPS requests get it too. */
  redirects: { from: string; to: string; secure: boolean }[];
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
  const plainTls = route.secureDomains.filter((d) => !route.hstsDomains.includes(d));
  const hsts = route.secureDomains.filter((d) => route.hstsDomains.includes(d));
  const secureRouter = (router: string, domains: string[], middlewares: string) =>
    domains.length === 0
      ? {}
      : {
          [`traefik.http.routers.${router}.rule`]: hostRule(domains),
          [`traefik.http.routers.${router}.entrypoints`]: 'websecure',
          [`traefik.http.routers.${router}.tls`]: 'true',
          [`traefik.http.routers.${router}.service`]: key,
          [`traefik.http.routers.${router}.middlewares`]: middlewares,
        };
  const secure: Record<string, string> = route.secureDomains.length === 0 ? {} : {
    ...secureRouter(`${key}-secure`, plainTls, `${key}-retry`),
    ...secureRouter(`${key}-secure-hsts`, hsts, `${key}-retry,${key}-hsts`),
    ...(hsts.length ? { [`traefik.http.middlewares.${key}-hsts.headers.stsseconds`]: '31536000' } : {}),
    [`traefik.http.routers.${key}-to-https.rule`]: hostRule(route.secureDomains),
    [`traefik.http.routers.${key}-to-https.entrypoints`]: 'web',
    [`traefik.http.routers.${key}-to-https.service`]: key,
    [`traefik.http.routers.${key}-to-https.middlewares`]: `${key}-to-https`,
    [`traefik.http.middlewares.${key}-to-https.redirectscheme.scheme`]: 'https',
    [`traefik.http.middlewares.${key}-to-https.redirectscheme.permanent`]: 'true',
  };
  const redirects: Record<string, string> = {};
  route.redirects.forEach((r, i) => {
    const router = `${key}-redirect-${i + 1}`;
    hostRule([r.from]);
    if (!/^https?:\/\/[a-z0-9.-]+$/.test(r.to)) throw new Error(`refusing to redirect to ${JSON.stringify(r.to)}`);
    Object.assign(redirects, {
      [`traefik.http.middlewares.${router}.redirectregex.regex`]: `^https?://${r.from.replaceAll('.', '\\.')}(:[0-9]+)?/(.*)`,
      [`traefik.http.middlewares.${router}.redirectregex.replacement`]: `${r.to}/\${2}`,
      [`traefik.http.middlewares.${router}.redirectregex.permanent`]: 'true',
      [`traefik.http.routers.${router}.rule`]: hostRule([r.from]),
      [`traefik.http.routers.${router}.entrypoints`]: 'web',
      [`traefik.http.routers.${router}.service`]: key,
      [`traefik.http.routers.${router}.middlewares`]: router,
      ...(r.secure
        ? {
            [`traefik.http.routers.${router}-secure.rule`]: hostRule([r.from]),
            [`traefik.http.routers.${router}-secure.entrypoints`]: 'websecure',
            [`traefik.http.routers.${router}-secure.tls`]: 'true',
            [`traefik.http.routers.${router}-secure.service`]: key,
            [`traefik.http.routers.${router}-secure.middlewares`]: router,
          }
        : {}),
    });
  });
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
    ...redirects,
  };
}
