// What Spur writes for Traefik's file provider: pure. One router sends every HTTP-01 challenge
// (any host, port 80) to Spur's challenge responder, ahead of every other router; each active
// certificate is listed by the paths Traefik reads it from.

export const TRAEFIK_DIR_IN_CONTAINER = '/etc/spur-traefik';
export const CHALLENGE_ROUTER = 'spur-acme-challenge';
/** Higher than any rule-length priority Traefik computes for a service's router. */
export const CHALLENGE_PRIORITY = 2_147_483_000;

export const certFileName = (hostname: string) => `${hostname}.crt`;
export const keyFileName = (hostname: string) => `${hostname}.key`;

export function traefikDynamicConfig(opts: { challengeUrl: string; hostnames: string[] }) {
  return {
    http: {
      routers: {
        [CHALLENGE_ROUTER]: { rule: 'PathPrefix(`/.well-known/acme-challenge/`)', entryPoints: ['web'], priority: CHALLENGE_PRIORITY, service: CHALLENGE_ROUTER },
      },
      services: {
        [CHALLENGE_ROUTER]: { loadBalancer: { servers: [{ url: opts.challengeUrl }] } },
      },
    },
    tls: {
      certificates: [...opts.hostnames].sort().map((h) => ({ certFile: `${TRAEFIK_DIR_IN_CONTAINER}/certs/${certFileName(h)}`, keyFile: `${TRAEFIK_DIR_IN_CONTAINER}/certs/${keyFileName(h)}` })),
    },
  };
}
