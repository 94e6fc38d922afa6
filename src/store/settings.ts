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
const REQUIRE_TWO_FACTOR = 'require_two_factor';
const SMTP = 'smtp';

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

/** One setting's stored text, if set. */
export async function readSetting(db: Db, key: string): Promise<string | null> {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
}

/** Stores one setting's text, or with null clears it. */
export async function writeSetting(db: Db, key: string, value: string | null): Promise<void> {
  if (value === null) await db.deleteFrom('settings').where('key', '=', key).execute();
  else await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** A setting that holds a secret: JSON, sealed with the installation's key. */
export async function readSealed<T>(db: Db, key: Buffer, name: string): Promise<T | null> {
  const value = await readSetting(db, name);
  return value === null ? null : (JSON.parse(unseal(key, value)) as T);
}

export const writeSealed = (db: Db, key: Buffer, name: string, value: unknown) => writeSetting(db, name, value === null ? null : seal(key, JSON.stringify(value)));

export const acmeEmail = (db: Db): Promise<string | null> => readSetting(db, ACME_EMAIL);

export const setAcmeEmail = (db: Db, email: string | null): Promise<void> => writeSetting(db, ACME_EMAIL, email);

export const backupStorage = (db: Db, key: Buffer): Promise<S3Settings | null> => readSealed<S3Settings>(db, key, BACKUP_STORAGE);

export const setBackupStorage = (db: Db, key: Buffer, storage: S3Settings | null): Promise<void> => writeSealed(db, key, BACKUP_STORAGE, storage);

/** A registry images are pushed to and nodes pull from, instead of Spur sending them itself. */
export interface ImageRegistry {
  /** host[:port][/namespace], as image references begin. */
  address: string;
  username: string;
  password: string;
}

export const imageRegistry = (db: Db, key: Buffer): Promise<ImageRegistry | null> => readSealed<ImageRegistry>(db, key, IMAGE_REGISTRY);

export const setImageRegistry = (db: Db, key: Buffer, registry: ImageRegistry | null): Promise<void> => writeSealed(db, key, IMAGE_REGISTRY, registry);

/** Base image templates by role (a stack's `baseImages`); the roles not chosen are left out. */
export type BuildImageChoices = Partial<Record<string, string>>;

/** The base images the owner chose for the Dockerfiles Spur writes (the kinds not chosen are left out). */
export async function buildImageChoices(db: Db): Promise<BuildImageChoices> {
  const value = await readSetting(db, BUILD_IMAGES);
  return value === null ? {} : (JSON.parse(value) as BuildImageChoices);
}

export const setBuildImageChoices = (db: Db, images: BuildImageChoices): Promise<void> => writeSetting(db, BUILD_IMAGES, Object.keys(images).length ? JSON.stringify(images) : null);

/** How many days audit entries are kept; null: for ever. */
export async function auditRetentionDays(db: Db): Promise<number | null> {
  const value = await readSetting(db, AUDIT_RETENTION_DAYS);
  return value === null ? null : Number(value);
}

export const setAuditRetentionDays = (db: Db, days: number | null): Promise<void> => writeSetting(db, AUDIT_RETENTION_DAYS, days === null ? null : String(days));

/** The owner's switch: every user must sign in with two factors (those without are sent to enrol). */
export const twoFactorRequired = async (db: Db): Promise<boolean> => (await readSetting(db, REQUIRE_TWO_FACTOR)) === 'true';

export const setTwoFactorRequired = (db: Db, on: boolean): Promise<void> => writeSetting(db, REQUIRE_TWO_FACTOR, on ? 'true' : null);
/** An SMTP server as the owner set it (users/mail.ts sends through it). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Empty: no authentication. */
  user: string;
  password: string;
  /** The sender's address. */
  from: string;
  /** tls: TLS from the first byte (port 465); starttls: upgraded, and refused without it; none: plain. */
  tls: 'starttls' | 'tls' | 'none';
}

/** The SMTP server invitations are mailed through (sealed: it holds the password); null: links are shown to copy. */
export const smtpSettings = (db: Db, key: Buffer): Promise<SmtpSettings | null> => readSealed<SmtpSettings>(db, key, SMTP);

export const setSmtpSettings = (db: Db, key: Buffer, smtp: SmtpSettings | null): Promise<void> => writeSealed(db, key, SMTP, smtp);
