// Settings of the installation, the owner's to change: Spur's own domain (served by Traefik with
// its own certificate) and the contact email Spur gives the ACME CA. A value set in Spur's
// environment (SPUR_DOMAIN, SPUR_ACME_EMAIL) is written at start and cannot be changed here. And
// the S3-compatible storage database backups are copied to.
import type { Deps } from '../deps.js';
import { isUnderDomain } from '../docker/names.js';
import { Conflict, InvalidFields } from '../errors.js';
import { type ImageRegistry, acmeEmail, setSmtpSettings, smtpSettings, auditRetentionDays, backupStorage, setAuditRetentionDays, buildImageChoices, imageRegistry, setAcmeEmail, setBackupStorage, setBuildImageChoices, setImageRegistry, setSpurDomain, spurDomain } from '../store/settings.js';
import { BASE_IMAGE_ROLES } from '../builds/stacks/index.js';
import { checkRegistryLogin, registryServer } from '../docker/registry.js';
import { type S3Settings, s3Storage } from '../storage/s3.js';
import type { SmtpSettings } from '../store/settings.js';
import * as validate from '../validate.js';
import { type Actor, requireTo } from './access.js';
import { SECRET, audit } from './record.js';
import { spurUrl, toDomainView } from './domains.js';
import { twoFactorRequired } from '../store/settings.js';


/** Applies SPUR_DOMAIN and SPUR_ACME_EMAIL, when set, over what the owner chose. */
export async function applyEnvironmentSettings(deps: Pick<Deps, 'db' | 'config'>): Promise<void> {
  if (deps.config.spurDomain) await setSpurDomain(deps.db, checkedSpurDomain(deps, deps.config.spurDomain));
  if (deps.config.acme.email) await setAcmeEmail(deps.db, deps.config.acme.email);
}

function checkedSpurDomain(deps: Pick<Deps, 'config'>, hostname: string): string {
  if (isUnderDomain(hostname, deps.config.baseDomain)) throw new InvalidFields({ domain: `domain: ${hostname} is under ${deps.config.baseDomain}, where Spur generates each service's own address` });
  return hostname;
}

export async function spurSettingsView(deps: Deps, user: Actor) {
  await requireTo(deps, user, 'settings.change');
  const own = await spurDomain(deps.db);
  return {
    url: await spurUrl(deps),
    domain: own ? toDomainView(own, await deps.dns.check(own.hostname)) : null,
    domainFromEnvironment: deps.config.spurDomain !== undefined,
    acmeEmail: await acmeEmail(deps.db),
    /** Days audit entries are kept (the oldest are pruned nightly, the chain kept checkable); null: for ever. */
    auditRetentionDays: await auditRetentionDays(deps.db),
    acmeEmailFromEnvironment: deps.config.acme.email !== undefined,
    acmeDirectory: deps.config.acme.directoryUrl,
    /** Where database backups are copied (the secret key is never shown); null: the data dir only. */
    backupStorage: storageView(await backupStorage(deps.db, deps.key)),
    /** Where images are pushed for the servers to pull (the password is never shown); null: Spur sends them itself. */
    registry: registryView(await imageRegistry(deps.db, deps.key)),
    /** The base images of the Dockerfiles Spur writes, each with where it comes from. */
    buildImages: await buildImagesView(deps),
    /** Every user must sign in with two factors (actions/two-factor.ts). */
    twoFactorRequired: await twoFactorRequired(deps.db),
    /** The SMTP server invitations are mailed through (the password is never shown); null: links are shown to copy. */
    smtp: smtpView(await smtpSettings(deps.db, deps.key)),
  };
}

/** The kinds of base image, as the stacks declare them (src/builds/stacks). */
const BUILD_IMAGE_KINDS = BASE_IMAGE_ROLES.map((r) => r.key);

async function buildImagesView(deps: Pick<Deps, 'db' | 'config'>) {
  const chosen = await buildImageChoices(deps.db);
  const env = deps.config.buildImages;
  return Object.fromEntries(BASE_IMAGE_ROLES.map(({ key: k, envVar, defaultImage }) => [k, { image: env[k] ?? chosen[k] ?? defaultImage, from: env[k] ? envVar : chosen[k] ? 'settings' : 'default' }])) as Record<string, { image: string; from: string }>;
}

/** The owner's base images after a change: a kind given "" (or null) goes back to the default;
 *  one SPUR_IMAGE_* sets is not changed here. */
async function changedBuildImages(deps: Pick<Deps, 'db' | 'config'>, body: unknown) {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !BUILD_IMAGE_KINDS.includes(k));
  if (unknown.length) throw new InvalidFields({ buildImages: `base images: ${unknown.join(', ')} is not one of ${BUILD_IMAGE_KINDS.join(', ')}` });
  const next = { ...(await buildImageChoices(deps.db)) };
  const checked = validate.fields(Object.fromEntries(Object.entries(b).map(([k, v]) => [k, () => (v === null || v === '' ? null : validate.baseImageTemplate(`${k} image`, v))])));
  for (const [kind, image] of Object.entries(checked) as [string, string | null][]) {
    const role = BASE_IMAGE_ROLES.find((r) => r.key === kind)!;
    const fromEnv = deps.config.buildImages[kind];
    if (fromEnv && image !== fromEnv) throw new Conflict(`the ${kind} image is set by ${role.envVar} in Spur's environment file; change it there`);
    if (image === null || image === role.defaultImage) delete next[kind];
    else next[kind] = image;
  }
  return next;
}

const registryView = (r: ImageRegistry | null) => (r ? { address: r.address, username: r.username } : null);

/** Registry settings as a body gives them (the password may be left out to keep the one stored);
 *  kept only once the registry accepts the login. */
async function checkedRegistry(deps: Deps, body: unknown): Promise<ImageRegistry> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const stored = await imageRegistry(deps.db, deps.key);
  const r = validate.fields({
    address: () => validate.registryAddress(b.address),
    username: () => validate.registryUser(b.username),
    password: () => ((b.password === undefined || b.password === '') && stored ? stored.password : validate.registryPassword(b.password)),
  });
  try {
    await checkRegistryLogin(deps.docker, { username: r.username, password: r.password, serveraddress: registryServer(r.address) });
  } catch (err) {
    throw new InvalidFields({ registry: `registry: ${registryServer(r.address)} refused the login: ${(err as Error).message.replace(/^\(HTTP code \d+\) [a-z ]+- /, '')}` });
  }
  return r;
}

const smtpView = (s: SmtpSettings | null) => (s ? { host: s.host, port: s.port, user: s.user, from: s.from, tls: s.tls } : null);

/** SMTP settings as a body gives them; the password may be left out to keep the one stored. Not
 *  tried here: a failed sending says so where the invitation is made. */
async function checkedSmtp(deps: Deps, body: unknown): Promise<SmtpSettings> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const stored = await smtpSettings(deps.db, deps.key);
  const tls = validate.optional(b.tls, validate.smtpTls) ?? 'starttls';
  const user = validate.optional(b.user, validate.smtpUser) ?? '';
  return validate.fields({
    host: () => validate.smtpHost(b.host),
    port: () => validate.optional(b.port, validate.port) ?? (tls === 'tls' ? 465 : 587),
    user: () => user,
    password: () => (!user ? '' : (b.password === undefined || b.password === '') && stored?.password ? stored.password : validate.smtpPassword(b.password)),
    from: () => validate.email(b.from, 'SMTP from'),
    tls: () => tls,
  });
}

const storageView = (s: S3Settings | null) => (s ? { endpoint: s.endpoint, bucket: s.bucket, region: s.region, accessKeyId: s.accessKeyId, prefix: s.prefix } : null);

/** S3 settings as a body gives them; the secret key may be left out to keep the one stored. Spur
 *  checks that the bucket answers to the keys before it keeps them. */
async function checkedStorage(deps: Deps, body: unknown): Promise<S3Settings> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const stored = await backupStorage(deps.db, deps.key);
  const s = validate.fields({
    endpoint: () => validate.s3Endpoint(b.endpoint),
    bucket: () => validate.s3Bucket(b.bucket),
    region: () => validate.optional(b.region, validate.s3Region) ?? 'us-east-1',
    accessKeyId: () => validate.s3AccessKey(b.accessKeyId),
    secretAccessKey: () => (b.secretAccessKey === undefined || b.secretAccessKey === '') && stored ? stored.secretAccessKey : validate.s3SecretKey(b.secretAccessKey),
    prefix: () => validate.optional(b.prefix, validate.s3Prefix) ?? '',
  });
  try {
    await s3Storage(s).check();
  } catch (err) {
    throw new InvalidFields({ backupStorage: `storage: ${(err as Error).message}` });
  }
  return s;
}

export type SpurSettingsView = Awaited<ReturnType<typeof spurSettingsView>>;

/** Changes what the body names: `smtp` ({ host, port, user, password, from, tls }, or null), `domain`, `acmeEmail` and `auditRetentionDays` (≥ 30), each "" (or null) to clear,
 *  `backupStorage` (S3 settings, or null), `registry` (address, username, password, or null) and
 *  `buildImages` ({ node, python, go, goRuntime, staticServer }: "" for the default). Spur's
 *  domain gets its certificate ordered and Traefik's files rewritten at once. */
export async function changeSpurSettings(deps: Deps, user: Actor, body: Record<string, unknown>): Promise<SpurSettingsView> {
  await requireTo(deps, user, 'settings.change', { object: SETTINGS_OBJECT });
  const cleared = (v: unknown) => v === null || (typeof v === 'string' && v.trim() === '');
  const change = validate.fields({
    domain: () => (body.domain === undefined ? undefined : cleared(body.domain) ? null : checkedSpurDomain(deps, validate.domain(body.domain))),
    acmeEmail: () => (body.acmeEmail === undefined ? undefined : cleared(body.acmeEmail) ? null : validate.email(body.acmeEmail)),
    auditRetentionDays: () => (body.auditRetentionDays === undefined ? undefined : cleared(body.auditRetentionDays) ? null : validate.integer('audit retention days', body.auditRetentionDays, MIN_AUDIT_RETENTION_DAYS, 36500)),
  });
  const storage = body.backupStorage === undefined ? undefined : body.backupStorage === null ? null : await checkedStorage(deps, body.backupStorage);
  const registry = body.registry === undefined ? undefined : body.registry === null ? null : await checkedRegistry(deps, body.registry);
  const buildImages = body.buildImages === undefined ? undefined : await changedBuildImages(deps, body.buildImages);
  const smtp = body.smtp === undefined ? undefined : body.smtp === null ? null : await checkedSmtp(deps, body.smtp);
  if (change.domain !== undefined && deps.config.spurDomain && change.domain !== deps.config.spurDomain) throw new Conflict(`Spur's domain is set by SPUR_DOMAIN in its environment file; change it there`);
  if (change.acmeEmail !== undefined && deps.config.acme.email && change.acmeEmail !== deps.config.acme.email) throw new Conflict(`the ACME email is set by SPUR_ACME_EMAIL in Spur's environment file; change it there`);
  const changed = Object.entries({ domain: change.domain, acmeEmail: change.acmeEmail, auditRetentionDays: change.auditRetentionDays, backupStorage: storage, registry, buildImages, smtp }).filter(([, v]) => v !== undefined).map(([k]) => k);
  const before = await settingsRecord(deps);
  if (change.domain !== undefined) await setSpurDomain(deps.db, change.domain);
  if (change.acmeEmail !== undefined) await setAcmeEmail(deps.db, change.acmeEmail);
  if (change.auditRetentionDays !== undefined) await setAuditRetentionDays(deps.db, change.auditRetentionDays);
  if (storage !== undefined) await setBackupStorage(deps.db, deps.key, storage);
  if (registry !== undefined) await setImageRegistry(deps.db, deps.key, registry);
  if (buildImages !== undefined) await setBuildImageChoices(deps.db, buildImages);
  if (smtp !== undefined) await setSmtpSettings(deps.db, deps.key, smtp);
  if (change.domain !== undefined) void deps.certificates.run();
  const after = await settingsRecord(deps, before);
  const only = (r: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, r[k]]));
  await audit(deps, user, 'settings.change', SETTINGS_OBJECT, { before: only(before), after: only(after) });
  return spurSettingsView(deps, user);
}

const SETTINGS_OBJECT = { kind: 'settings', name: 'Spur' };

/** A shorter retention would let someone with the owner's password erase last week's trail. */
export const MIN_AUDIT_RETENTION_DAYS = 30;

/** Spur's settings as the audit log keeps them: the storage's secret key and the registry's
 *  password only as "(set)", or "(changed)" against `before`. */
async function settingsRecord(deps: Deps, before?: Record<string, unknown> & { secrets: string[] }) {
  const [own, email, retention, storage, registry, images, smtp] = [await spurDomain(deps.db), await acmeEmail(deps.db), await auditRetentionDays(deps.db), await backupStorage(deps.db, deps.key), await imageRegistry(deps.db, deps.key), await buildImageChoices(deps.db), await smtpSettings(deps.db, deps.key)];
  const secrets = [storage?.secretAccessKey ?? '', registry?.password ?? '', smtp?.password ?? ''];
  const mark = (i: number) => (before && before.secrets[i] !== secrets[i] ? SECRET.changed : SECRET.set);
  return {
    domain: own?.hostname ?? null,
    acmeEmail: email,
    auditRetentionDays: retention,
    backupStorage: storage && { ...storageView(storage), secretAccessKey: mark(0) },
    registry: registry && { ...registryView(registry), password: mark(1) },
    buildImages: images,
    smtp: smtp && { ...smtpView(smtp), password: smtp.password ? mark(2) : null },
    secrets,
  };
}
