// Hostnames are unique across the installation: generated-domain labels are assigned once here,
// and each custom domain is a row a unique index keeps to one instance.
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { Domain } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { nowIso } from './time.js';
import { type InstanceRef, wantedDomainLabel } from '../docker/names.js';

/** The generated-domain label for a new instance: the wanted one, or the first free `-2`, `-3` …
 *  Call inside the transaction that inserts the instance; the unique index has the last word. */
export async function freeDomainLabel(tx: Db, ref: InstanceRef): Promise<string> {
  const wanted = wantedDomainLabel(ref);
  const rows = await tx.selectFrom('service_instances').select('domain_label').where((eb) => eb.or([eb('domain_label', '=', wanted), eb('domain_label', 'like', `${wanted}-%`)])).execute();
  const taken = new Set(rows.map((r) => r.domain_label));
  let label = wanted;
  for (let n = 2; taken.has(label); n++) label = `${wanted}-${n}`;
  return label;
}

export interface InstanceKey {
  serviceId: number;
  environmentId: number;
}

export type DomainWithCertificate = Domain & { not_after: string | null };

/** An instance's custom domains, by hostname, with their certificates' expiry. */
export function listDomains(db: Db, instance: InstanceKey): Promise<DomainWithCertificate[]> {
  return db
    .selectFrom('domains')
    .leftJoin('certificates', 'certificates.domain_id', 'domains.id')
    .selectAll('domains')
    .select('certificates.not_after')
    .where('service_id', '=', instance.serviceId)
    .where('environment_id', '=', instance.environmentId)
    .orderBy('hostname')
    .execute();
}

/** Gives a hostname to an instance. A hostname belongs to one instance in the installation: the
 *  unique index refuses a second, also between concurrent requests. */
export async function addDomain(db: Db, instance: InstanceKey, hostname: string): Promise<Domain> {
  try {
    return await db.insertInto('domains').values({ service_id: instance.serviceId, environment_id: instance.environmentId, hostname, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const owner = await db.selectFrom('domains').select(['service_id', 'environment_id']).where('hostname', '=', hostname).executeTakeFirst();
      const mine = owner?.service_id === instance.serviceId && owner.environment_id === instance.environmentId;
      if (owner && owner.service_id === null) throw new Conflict(`domain ${hostname} is Spur's own domain`);
      throw new Conflict(mine ? `${hostname} is already a domain of this service` : `domain ${hostname} is already used by another service`);
    }
    throw err;
  }
}

/** Takes a hostname from an instance; false if it had no such domain. */
export async function removeDomain(db: Db, instance: InstanceKey, hostname: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const removed = await tx.deleteFrom('domains').where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).where('hostname', '=', hostname).executeTakeFirst();
    // Domains that redirected to it serve the app themselves again.
    await tx.updateTable('domains').set({ redirect_to: null }).where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).where('redirect_to', '=', hostname).execute();
    return removed.numDeletedRows > 0n;
  });
}

/** Changes a domain's HTTPS and HSTS switches and its redirect (null: none); false if the
 *  instance has no such domain. */
export async function setDomainOptions(db: Db, instance: InstanceKey, hostname: string, options: { https?: boolean; hsts?: boolean; redirectTo?: string | null }): Promise<boolean> {
  const set = {
    ...(options.https === undefined ? {} : { https: options.https ? 1 : 0 }),
    ...(options.hsts === undefined ? {} : { hsts: options.hsts ? 1 : 0 }),
    ...(options.redirectTo === undefined ? {} : { redirect_to: options.redirectTo }),
  };
  if (Object.keys(set).length === 0) return (await db.selectFrom('domains').select('id').where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).where('hostname', '=', hostname).executeTakeFirst()) !== undefined;
  const updated = await db.updateTable('domains').set(set).where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).where('hostname', '=', hostname).executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}
