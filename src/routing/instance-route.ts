// Which hostnames of an instance Traefik serves, and how: pure. The generated domain and custom
// domains without a usable certificate are plain HTTP; a custom domain with HTTPS on and a
// certificate that has not expired is served over HTTPS, and its plain HTTP redirects there.
import type { Domain, ServiceInstance } from '../db/schema.js';
import { generatedDomain, isUnderDomain } from '../docker/names.js';
import type { RouteInput } from './traefik-labels.js';

export type RoutedDomain = Pick<Domain, 'hostname' | 'https' | 'hsts' | 'redirect_to'> & { not_after: string | null };

/** A custom domain under the base domain (stored by an earlier release) is never routed: the
 *  names there are the generated ones. */
export function instanceRoute(opts: { name: string; instance: Pick<ServiceInstance, 'domain_label' | 'port'>; domains: RoutedDomain[]; baseDomain: string; now: Date }): RouteInput {
  const all = opts.domains.filter((d) => !isUnderDomain(d.hostname, opts.baseDomain));
  const hasCertificate = (d: RoutedDomain) => d.https === 1 && d.not_after !== null && Date.parse(d.not_after) > opts.now.getTime();
  const byName = new Map(all.map((d) => [d.hostname, d]));
  // A redirect goes to another domain of the instance that serves itself (no chains, no loops).
  const redirecting = all.filter((d) => d.redirect_to && d.redirect_to !== d.hostname && byName.has(d.redirect_to) && !byName.get(d.redirect_to)!.redirect_to);
  const custom = all.filter((d) => !redirecting.includes(d));
  const served = custom.filter(hasCertificate);
  const secure = served.map((d) => d.hostname);
  return {
    name: opts.name,
    domains: [generatedDomain(opts.instance.domain_label, opts.baseDomain), ...custom.map((d) => d.hostname).filter((h) => !secure.includes(h))],
    secureDomains: secure,
    hstsDomains: served.filter((d) => d.hsts === 1).map((d) => d.hostname),
    redirects: redirecting.map((d) => ({ from: d.hostname, to: `${hasCertificate(byName.get(d.redirect_to!)!) ? 'https' : 'http'}://${d.redirect_to}`, secure: hasCertificate(d) })),
    port: opts.instance.port,
  };
}

/** Every URL the instance answers at, the generated one first. */
export const routeUrls = (route: RouteInput) => [...route.domains.map((d) => `http://${d}`), ...route.secureDomains.map((d) => `https://${d}`)];
