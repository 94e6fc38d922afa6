// Certificates and each domain's certificate state. The ACME account key is a sealed setting.
import type { Db } from '../db/open.js';
import { seal, unseal } from '../secrets.js';
import { recordEvent } from './events.js';
import { inTransaction, nowIso } from './time.js';

const ACCOUNT_KEY = 'acme_account_key';

/** The ACME account key, made once (by `create`) and kept sealed. */
export async function acmeAccountKey(db: Db, key: Buffer, create: () => Promise<string>): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', ACCOUNT_KEY).executeTakeFirst();
  if (row) return unseal(key, row.value);
  const pem = await create();
  await db.insertInto('settings').values({ key: ACCOUNT_KEY, value: seal(key, pem) }).onConflict((oc) => oc.column('key').doNothing()).execute();
  // Two first orders at once: the one stored first is the account.
  return unseal(key, (await db.selectFrom('settings').select('value').where('key', '=', ACCOUNT_KEY).executeTakeFirstOrThrow()).value);
}

/** Every domain with HTTPS on, with its certificate's expiry if it has one. */
export function httpsDomains(db: Db) {
  return db
    .selectFrom('domains')
    .leftJoin('certificates', 'certificates.domain_id', 'domains.id')
    .select(['domains.id', 'domains.service_id', 'domains.environment_id', 'domains.hostname', 'domains.https', 'domains.tls_status', 'domains.tls_retry_at', 'domains.tls_failures', 'certificates.not_after'])
    .where('domains.https', '=', 1)
    .orderBy('domains.id')
    .execute();
}

export async function markIssuing(db: Db, domainId: number): Promise<void> {
  await db.updateTable('domains').set({ tls_status: 'issuing' }).where('id', '=', domainId).execute();
}

/** A certificate obtained: stored (key sealed), the domain active, its failures forgotten. */
export async function recordCertificate(db: Db, key: Buffer, domainId: number, cert: { certPem: string; keyPem: string; notAfter: string }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = { cert_pem: cert.certPem, key_sealed: seal(key, cert.keyPem), not_after: cert.notAfter, issued_at: nowIso() };
    await tx.insertInto('certificates').values({ domain_id: domainId, ...row }).onConflict((oc) => oc.column('domain_id').doUpdateSet(row)).execute();
    await tx.updateTable('domains').set({ tls_status: 'active', tls_error: null, tls_failures: 0, tls_retry_at: null }).where('id', '=', domainId).execute();
    await recordCertificateEvent(tx, domainId, 'certificate.issued', { notAfter: cert.notAfter });
  });
}

/** An order failed: the CA's words kept, the next attempt not before `retryAt`. */
export async function recordOrderFailure(db: Db, domainId: number, failure: { error: string; failures: number; retryAt: string }): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.updateTable('domains').set({ tls_status: 'failed', tls_error: failure.error, tls_failures: failure.failures, tls_retry_at: failure.retryAt }).where('id', '=', domainId).execute();
    await recordCertificateEvent(tx, domainId, 'certificate.failed', { reason: failure.error, failures: failure.failures, retryAt: failure.retryAt });
  });
}

/** A service's domain tells its project; Spur's own domain belongs to none, and tells nobody. */
async function recordCertificateEvent(tx: Db, domainId: number, type: 'certificate.issued' | 'certificate.failed', data: Record<string, unknown>): Promise<void> {
  const d = await tx
    .selectFrom('domains')
    .innerJoin('services', 'services.id', 'domains.service_id')
    .innerJoin('environments', 'environments.id', 'domains.environment_id')
    .select(['domains.hostname', 'services.project_id', 'services.name as service', 'environments.name as environment'])
    .where('domains.id', '=', domainId)
    .executeTakeFirst();
  if (d) await recordEvent(tx, d.project_id, type, { domain: d.hostname, service: d.service, environment: d.environment, ...data });
}

/** Orders that were under way when Spur stopped are placed again. */
export async function forgetInterruptedOrders(db: Db): Promise<void> {
  await db.updateTable('domains').set({ tls_status: 'pending' }).where('tls_status', '=', 'issuing').execute();
}

/** The certificates Traefik serves: of domains that still exist and have HTTPS on. */
export function servedCertificates(db: Db) {
  return db
    .selectFrom('certificates')
    .innerJoin('domains', 'domains.id', 'certificates.domain_id')
    .select(['domains.hostname', 'certificates.cert_pem', 'certificates.key_sealed', 'certificates.not_after'])
    .where('domains.https', '=', 1)
    .orderBy('domains.hostname')
    .execute();
}

export function certificateOf(db: Db, domainId: number) {
  return db.selectFrom('certificates').select(['not_after', 'issued_at']).where('domain_id', '=', domainId).executeTakeFirst();
}

/** Domains of these projects whose certificate failed, or expires before `before`. */
export function certificatesNeedingAttention(db: Db, projectIds: number[], before: string) {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('domains')
    .leftJoin('certificates', 'certificates.domain_id', 'domains.id')
    .innerJoin('services', 'services.id', 'domains.service_id')
    .innerJoin('projects', 'projects.id', 'services.project_id')
    .innerJoin('environments', 'environments.id', 'domains.environment_id')
    .select(['projects.name as project', 'services.name as service', 'environments.name as environment', 'domains.hostname', 'domains.tls_status', 'domains.tls_error', 'certificates.not_after'])
    .where('domains.https', '=', 1)
    .where('services.project_id', 'in', projectIds)
    .where((eb) => eb.or([eb('domains.tls_status', '=', 'failed'), eb('certificates.not_after', '<', before)]))
    .orderBy('domains.hostname')
    .execute();
}
