// Settings of the installation, the owner's to change: Spur's own domain (served by Traefik with
// its own certificate) and the contact email Spur gives the ACME CA. A value set in Spur's
// environment (SPUR_DOMAIN, SPUR_ACME_EMAIL) is written at start and cannot be changed here.
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { isUnderDomain } from '../docker/names.js';
import { Conflict, Forbidden, InvalidFields } from '../errors.js';
import { acmeEmail, setAcmeEmail, setSpurDomain, spurDomain } from '../store/instance-settings.js';
import * as validate from '../validate.js';
import { spurUrl, toDomainView } from './operations.js';

type Actor = Pick<User, 'role'>;

function requireOwner(user: Actor): void {
  if (user.role !== 'owner') throw new Forbidden("only an owner can change Spur's settings");
}

/** Applies SPUR_DOMAIN and SPUR_ACME_EMAIL, when set, over what the owner chose. */
export async function applyEnvironmentSettings(deps: Pick<Deps, 'db' | 'config'>): Promise<void> {
  if (deps.config.spurDomain) await setSpurDomain(deps.db, checkedSpurDomain(deps, deps.config.spurDomain));
  if (deps.config.acme.email) await setAcmeEmail(deps.db, deps.config.acme.email);
}

function checkedSpurDomain(deps: Pick<Deps, 'config'>, hostname: string): string {
  if (isUnderDomain(hostname, deps.config.baseDomain)) throw new InvalidFields({ domain: `domain: ${hostname} is under ${deps.config.baseDomain}, where Spur generates each service's own address` });
  return hostname;
}

export async function instanceSettingsView(deps: Deps, user: Actor) {
  requireOwner(user);
  const own = await spurDomain(deps.db);
  return {
    url: await spurUrl(deps),
    domain: own ? toDomainView(own, await deps.dns.check(own.hostname)) : null,
    domainFromEnvironment: deps.config.spurDomain !== undefined,
    acmeEmail: await acmeEmail(deps.db),
    acmeEmailFromEnvironment: deps.config.acme.email !== undefined,
    acmeDirectory: deps.config.acme.directoryUrl,
  };
}

export type InstanceSettingsView = Awaited<ReturnType<typeof instanceSettingsView>>;

/** Changes what the body names: `domain` and `acmeEmail`, each "" (or null) to clear. Spur's
 *  domain gets its certificate ordered and Traefik's files rewritten at once. */
export async function changeInstanceSettings(deps: Deps, user: Actor, body: Record<string, unknown>): Promise<InstanceSettingsView> {
  requireOwner(user);
  const cleared = (v: unknown) => v === null || (typeof v === 'string' && v.trim() === '');
  const change = validate.fields({
    domain: () => (body.domain === undefined ? undefined : cleared(body.domain) ? null : checkedSpurDomain(deps, validate.domain(body.domain))),
    acmeEmail: () => (body.acmeEmail === undefined ? undefined : cleared(body.acmeEmail) ? null : validate.email(body.acmeEmail)),
  });
  if (change.domain !== undefined && deps.config.spurDomain && change.domain !== deps.config.spurDomain) throw new Conflict(`Spur's domain is set by SPUR_DOMAIN in its environment file; change it there`);
  if (change.acmeEmail !== undefined && deps.config.acme.email && change.acmeEmail !== deps.config.acme.email) throw new Conflict(`the ACME email is set by SPUR_ACME_EMAIL in Spur's environment file; change it there`);
  if (change.domain !== undefined) await setSpurDomain(deps.db, change.domain);
  if (change.acmeEmail !== undefined) await setAcmeEmail(deps.db, change.acmeEmail);
  if (change.domain !== undefined) void deps.certificates.run();
  return instanceSettingsView(deps, user);
}
