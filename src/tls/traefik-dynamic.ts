// What Spur writes for Traefik's file provider: pure. One router sends every HTTP-01 challenge
// (any host, port 80) to Spur's challenge responder, ahead of every other router; Spur's own
// domain is routed to Spur itself (HTTPS once its certificate is served, plain HTTP redirecting
// there); Traefik's own metrics go only to this host; each active certificate is listed by the
// paths Traefik reads it from.

import { isIP } from 'node:net';

export const TRAEFIK_DIR_IN_CONTAINER = '/etc/spur-traefik';
export const CHALLENGE_ROUTER = 'spur-acme-challenge';
export const SPUR_ROUTER = 'spur-ui';
/** Higher than any rule-length priority Traefik computes for a service's router. */
export const CHALLENGE_PRIORITY = 2_147_483_000;

export const certFileName = (hostname: string) => `${hostname}.crt`;
export const keyFileName = (hostname: string) => `${hostname}.key`;

export interface SpurRoute {
  /** Spur's own domain (validated: no backtick reaches the rule). */
  hostname: string;
  /** Where Traefik reaches Spur's HTTP server. */
  upstream: string;
}

/** Traefik's own metrics (routing/traefik-service.ts routes them by hand): on the metrics entry
 *  point, only to this host's address on docker_gwbridge, never to a task on the edge network. */
export const METRICS_ROUTER = 'spur-metrics';

export function traefikDynamicConfig(opts: { challengeUrl: string; hostnames: string[]; spur?: SpurRoute; metricsFrom?: string }) {
  const routers: Record<string, object> = {
    [CHALLENGE_ROUTER]: { rule: 'PathPrefix(`/.well-known/acme-challenge/`)', entryPoints: ['web'], priority: CHALLENGE_PRIORITY, service: CHALLENGE_ROUTER },
  };
  const services: Record<string, object> = { [CHALLENGE_ROUTER]: { loadBalancer: { servers: [{ url: opts.challengeUrl }] } } };
  const middlewares: Record<string, object> = {};
  if (opts.metricsFrom) {
    if (isIP(opts.metricsFrom) === 0) throw new Error(`not an IP address: ${JSON.stringify(opts.metricsFrom)}`);
    routers[METRICS_ROUTER] = { rule: 'Path(`/metrics`)', entryPoints: ['metrics'], middlewares: [`${METRICS_ROUTER}-from-host`], service: 'prometheus@internal' };
    middlewares[`${METRICS_ROUTER}-from-host`] = { ipAllowList: { sourceRange: [`${opts.metricsFrom}/${isIP(opts.metricsFrom) === 4 ? 32 : 128}`] } };
  }
  if (opts.spur) {
    const rule = `Host(\`${opts.spur.hostname}\`)`;
    const secure = opts.hostnames.includes(opts.spur.hostname);
    services[SPUR_ROUTER] = { loadBalancer: { servers: [{ url: opts.spur.upstream }] } };
    if (secure) {
      routers[SPUR_ROUTER] = { rule, entryPoints: ['web'], middlewares: [`${SPUR_ROUTER}-to-https`], service: SPUR_ROUTER };
      routers[`${SPUR_ROUTER}-secure`] = { rule, entryPoints: ['websecure'], tls: {}, service: SPUR_ROUTER };
      middlewares[`${SPUR_ROUTER}-to-https`] = { redirectScheme: { scheme: 'https', permanent: true } };
    } else {
      // Until its certificate arrives Spur answers on plain HTTP, as it did on its port before.
      routers[SPUR_ROUTER] = { rule, entryPoints: ['web'], service: SPUR_ROUTER };
    }
  }
  return {
    http: { routers, services, ...(Object.keys(middlewares).length ? { middlewares } : {}) },
    tls: {
      certificates: [...opts.hostnames].sort().map((h) => ({ certFile: `${TRAEFIK_DIR_IN_CONTAINER}/certs/${certFileName(h)}`, keyFile: `${TRAEFIK_DIR_IN_CONTAINER}/certs/${keyFileName(h)}` })),
    },
  };
}
