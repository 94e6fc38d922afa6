// The installation's own settings: Spur's domain (a `domains` row with no service, so its
// certificate is ordered and shown like any other), the ACME contact email, and the S3-compatible
// storage database backups are copied to (sealed: it holds the secret key).
import type { Db } from '../db/open.js';
import { Conflict } from '../errors.js';
import { seal, unseal } from '../secrets.js';
import type { S3Settings } from '../storage/s3.js';
import type { DomainWithCertificate } from './domains.js';
import { nowIso } from './time.js';

const ACME_EMAIL = 'acme_email';
const BACKUP_STORAGE = 'backup_storage';
const IMAGE_REGISTRY = 'image_registry';
const BUILD_IMAGES = 'build_images';
const AUDIT_RETENTION_DAYS = 'audit_retention_days';

/** Spur's own domain with its certificate's expiry, if one is set. */
export function spurDomain(db: Db): Promise<DomainWithCertificate | undefined> {
  return db.selectFrom('domains').leftJoin('certificates', 'certificates.domain_id', 'domains.id').selectAll('domains').select('certificates.not_after').where('domains.service_id', 'is', null).executeTakeFirst();
}

/** Sets (or, with null, clears) Spur's domain. The same name again keeps its certificate; a
 *  name a service has is refused. */
export async function setSpurDomain(db: Db, hostname: string | null): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const former = tx.deleteFrom('domains').where('service_id', 'is', null);
    await (hostname === null ? former : former.where('hostname', '!=', hostname)).execute();
    if (hostname === null) return;
    await tx.insertInto('domains').values({ service_id: null, environment_id: null, hostname, created_at: nowIso() }).onConflict((oc) => oc.doNothing()).execute();
    const holder = await tx.selectFrom('domains').select('service_id').where('hostname', '=', hostname).executeTakeFirstOrThrow();
    if (holder.service_id !== null) throw new Conflict(`domain ${hostname} is already used by a service; remove it there first`);
  });
}

export async function acmeEmail(db: Db): Promise<string | null> {
  return (await db.selectFrom('settings').select('value').where('key', '=', ACME_EMAIL).executeTakeFirst())?.value ?? null;
}

export async function setAcmeEmail(db: Db, email: string | null): Promise<void> {
  if (email === null) await db.deleteFrom('settings').where('key', '=', ACME_EMAIL).execute();
  else await db.insertInto('settings').values({ key: ACME_EMAIL, value: email }).onConflict((oc) => oc.column('key').doUpdateSet({ value: email })).execute();
}

export async function backupStorage(db: Db, key: Buffer): Promise<S3Settings | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', BACKUP_STORAGE).executeTakeFirst();
  return row ? (JSON.parse(unseal(key, row.value)) as S3Settings) : null;
}

export async function setBackupStorage(db: Db, key: Buffer, storage: S3Settings | null): Promise<void> {
  if (storage === null) return void (await db.deleteFrom('settings').where('key', '=', BACKUP_STORAGE).execute());
  const value = seal(key, JSON.stringify(storage));
  await db.insertInto('settings').values({ key: BACKUP_STORAGE, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** A registry images are pushed to and nodes pull from, instead of Spur sending them itself. */
export interface ImageRegistry {
  /** host[:port][/namespace], as image references begin. */
  address: string;
  username: string;
  password: string;
}

export async function imageRegistry(db: Db, key: Buffer): Promise<ImageRegistry | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', IMAGE_REGISTRY).executeTakeFirst();
  return row ? (JSON.parse(unseal(key, row.value)) as ImageRegistry) : null;
}

export async function setImageRegistry(db: Db, key: Buffer, registry: ImageRegistry | null): Promise<void> {
  if (registry === null) return void (await db.deleteFrom('settings').where('key', '=', IMAGE_REGISTRY).execute());
  const value = seal(key, JSON.stringify(registry));
  await db.insertInto('settings').values({ key: IMAGE_REGISTRY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Base image templates by role (a stack's `baseImages`); the roles not chosen are left out. */
export type BuildImageChoices = Partial<Record<string, string>>;

/** The base images the owner chose for the Dockerfiles Spur writes (the kinds not chosen are left out). */
export async function buildImageChoices(db: Db): Promise<BuildImageChoices> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', BUILD_IMAGES).executeTakeFirst();
  return row ? (JSON.parse(row.value) as BuildImageChoices) : {};
}

export async function setBuildImageChoices(db: Db, images: BuildImageChoices): Promise<void> {
  if (!Object.keys(images).length) return void (await db.deleteFrom('settings').where('key', '=', BUILD_IMAGES).execute());
  const value = JSON.stringify(images);
  await db.insertInto('settings').values({ key: BUILD_IMAGES, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** How many days audit entries are kept; null: for ever. */
export async function auditRetentionDays(db: Db): Promise<number | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', AUDIT_RETENTION_DAYS).executeTakeFirst();
  return row ? Number(row.value) : null;
}

export async function setAuditRetentionDays(db: Db, days: number | null): Promise<void> {
  if (days === null) return void (await db.deleteFrom('settings').where('key', '=', AUDIT_RETENTION_DAYS).execute());
  const value = String(days);
  await db.insertInto('settings').values({ key: AUDIT_RETENTION_DAYS, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}
