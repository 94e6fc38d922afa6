// A service instance's custom domains (HTTPS, HSTS, redirects), and the URL Spur itself is reached at.
import type { Deps } from '../deps.js';
import { isUnderDomain } from '../docker/names.js';
import { applyRouting } from '../deploy/routing.js';
import type { DnsAnswer } from '../routing/dns-check.js';
import { InvalidFields, NotFound } from '../errors.js';
import { type DomainWithCertificate, addDomain as storeAddDomain, listDomains, removeDomain as storeRemoveDomain, setDomainOptions } from '../store/domains.js';
import { daysLeft } from '../tls/renewal-policy.js';
import { spurDomain } from '../store/settings.js';
import type { InstanceContext } from '../store/services.js';
import { type AllowedInstance, requireTo } from './access.js';
import * as validate from '../validate.js';
import { type Body, instanceKey, instanceObject } from './common.js';
import { audit } from './record.js';

/** The URL Spur is reached at: its own domain once set (https:// once its certificate is
 *  served), else SPUR_PUBLIC_URL. */
export async function spurUrl(deps: Pick<Deps, 'db' | 'config'>): Promise<string> {
  const own = await spurDomain(deps.db);
  return own ? domainUrl(own) : deps.config.publicUrl;
}

export type DomainView = ReturnType<typeof toDomainView>;

const servedOverHttps = (d: DomainWithCertificate, now: Date) => d.https === 1 && d.not_after !== null && Date.parse(d.not_after) > now.getTime();

/** https:// while the domain's certificate is served, else http://. */
export const domainUrl = (d: DomainWithCertificate, now = new Date()) => `${servedOverHttps(d, now) ? 'https' : 'http'}://${d.hostname}`;

export function toDomainView(d: DomainWithCertificate, dns: DnsAnswer, now = new Date()) {
  return {
    hostname: d.hostname,
    url: domainUrl(d, now),
    https: d.https === 1,
    hsts: d.hsts === 1,
    /** Requests to this domain are sent, permanently, to this one. */
    redirectTo: d.redirect_to,
    certificate: {
      status: d.https === 1 ? d.tls_status : ('off' as const),
      /** The CA's words for the last failed order. */
      error: d.tls_error,
      expiresAt: d.not_after,
      daysLeft: d.not_after ? daysLeft(d.not_after, now) : null,
      retryAt: d.tls_status === 'failed' ? d.tls_retry_at : null,
    },
    /** Where the name points, against this server's addresses. */
    dns,
    addedAt: d.created_at,
  };
}

export const domainsOf = async (deps: Deps, ctx: InstanceContext) => Promise.all((await listDomains(deps.db, instanceKey(ctx))).map(async (d) => toDomainView(d, await deps.dns.check(d.hostname))));

/** Adds a custom domain: a valid hostname of the user's own, not Spur's own (its public URL's),
 *  not under the base domain (where Spur generates services' addresses), and not another
 *  service's. A running service is routed to it at once; its certificate is ordered. */
export async function addDomain(deps: Deps, ctx: AllowedInstance, body: Body) {
  await requireTo(deps, ctx.acting, 'domains.change', { object: instanceObject(ctx) });
  const { hostname } = validate.fields({ hostname: () => validate.domain(body.hostname ?? body.domain) });
  if (hostname === new URL(deps.config.publicUrl).hostname || hostname === (await spurDomain(deps.db))?.hostname) throw new InvalidFields({ hostname: `domain: ${hostname} is Spur's own address` });
  if (isUnderDomain(hostname, deps.config.baseDomain)) {
    throw new InvalidFields({ hostname: `domain: ${hostname} is under ${deps.config.baseDomain}, where Spur generates each service's own address; use a domain of your own` });
  }
  const domain = await storeAddDomain(deps.db, instanceKey(ctx), hostname);
  await audit(deps, ctx.acting, 'domains.add', instanceObject(ctx), { after: { hostname } });
  await routeNow(deps, ctx);
  void deps.certificates.run();
  return toDomainView({ ...domain, not_after: null }, await deps.dns.check(hostname));
}

export async function removeDomain(deps: Deps, ctx: AllowedInstance, hostnameParam: string): Promise<void> {
  await requireTo(deps, ctx.acting, 'domains.change', { object: instanceObject(ctx) });
  const hostname = validate.domain(hostnameParam);
  const before = (await listDomains(deps.db, instanceKey(ctx))).find((d) => d.hostname === hostname);
  if (!(await storeRemoveDomain(deps.db, instanceKey(ctx), hostname))) throw new NotFound(`${hostname} is not a domain of ${ctx.service.name} in ${ctx.environment.name}`);
  await audit(deps, ctx.acting, 'domains.remove', instanceObject(ctx), { before: before && domainOptions(before) });
  await routeNow(deps, ctx);
}

/** Turns HTTPS or HSTS on or off for a domain; routing follows at once, and a domain whose HTTPS
 *  is turned on gets its certificate ordered. */
export async function changeDomain(deps: Deps, ctx: AllowedInstance, hostnameParam: string, body: Body) {
  await requireTo(deps, ctx.acting, 'domains.change', { object: instanceObject(ctx) });
  const hostname = validate.domain(hostnameParam);
  const options = validate.fields({
    https: () => validate.optional(body.https, (v) => validate.onOff('https', v)),
    hsts: () => validate.optional(body.hsts, (v) => validate.onOff('hsts', v)),
    redirectTo: () => (body.redirectTo === undefined ? undefined : body.redirectTo === null || body.redirectTo === '' || body.redirectTo === 'none' ? null : validate.domain(body.redirectTo)),
  });
  if (options.redirectTo) {
    const mine = await listDomains(deps.db, instanceKey(ctx));
    const target = mine.find((d) => d.hostname === options.redirectTo);
    if (options.redirectTo === hostname) throw new InvalidFields({ redirectTo: `redirect: ${hostname} cannot redirect to itself` });
    if (!target) throw new InvalidFields({ redirectTo: `redirect: ${options.redirectTo} is not a domain of ${ctx.service.name} in ${ctx.environment.name}; add it first` });
    if (target.redirect_to) throw new InvalidFields({ redirectTo: `redirect: ${options.redirectTo} redirects to ${target.redirect_to} itself` });
    const into = mine.filter((d) => d.redirect_to === hostname).map((d) => d.hostname);
    if (into.length) throw new InvalidFields({ redirectTo: `redirect: ${into.join(', ')} redirect${into.length === 1 ? 's' : ''} to ${hostname}; a redirect may not lead to another` });
  }
  const was = (await listDomains(deps.db, instanceKey(ctx))).find((d) => d.hostname === hostname);
  if (!(await setDomainOptions(deps.db, instanceKey(ctx), hostname, options))) throw new NotFound(`${hostname} is not a domain of ${ctx.service.name} in ${ctx.environment.name}`);
  const domain = (await listDomains(deps.db, instanceKey(ctx))).find((d) => d.hostname === hostname)!;
  // The options this change named, as they were and as they are.
  const named = (d: DomainWithCertificate) => Object.fromEntries(Object.entries(domainOptions(d)).filter(([k]) => k === 'hostname' || k in options && options[k as keyof typeof options] !== undefined));
  await audit(deps, ctx.acting, 'domains.change', instanceObject(ctx), { before: was && named(was), after: named(domain) });
  await routeNow(deps, ctx);
  void deps.certificates.run();
  return toDomainView(domain, await deps.dns.check(hostname));
}

const domainOptions = (d: DomainWithCertificate) => ({ hostname: d.hostname, https: d.https === 1, hsts: d.hsts === 1, redirectTo: d.redirect_to });

/** Routing follows domains at once when Docker answers; otherwise the next deploy applies it. */
async function routeNow(deps: Deps, ctx: InstanceContext): Promise<void> {
  if (!deps.daemon.ready) return;
  await applyRouting(deps, instanceKey(ctx)).catch((err) => deps.log.warn(`routing of ${ctx.service.name} not updated; the next deploy applies it`, { error: String(err) }));
}
