// Per (service, environment) variables, sealed at rest with the data dir's key.
import type { Db } from '../db/open.js';
import { seal, unseal } from '../secrets.js';
import { inTransaction, nowIso } from './time.js';

export interface VariableScope {
  serviceId: number;
  environmentId: number;
}

/** Sets (or with `null`, removes) variables in one transaction (the caller's, when `db` is one). */
export async function setVariables(db: Db, key: Buffer, scope: VariableScope, changes: Record<string, string | null>): Promise<void> {
  await inTransaction(db, async (tx) => {
    for (const [name, value] of Object.entries(changes)) {
      const where = tx.deleteFrom('variables').where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).where('key', '=', name);
      await where.execute();
      if (value !== null) {
        await tx
          .insertInto('variables')
          .values({ service_id: scope.serviceId, environment_id: scope.environmentId, key: name, value_sealed: seal(key, value), updated_at: nowIso() })
          .execute();
      }
    }
    await tx.updateTable('service_instances').set({ changed_at: nowIso() }).where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).execute();
  });
}

/** The variables in clear, ordered by name. Only the deploy path and the owner's explicit reveal read them. */
export async function readVariables(db: Db, key: Buffer, scope: VariableScope): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom('variables')
    .select(['key', 'value_sealed'])
    .where('service_id', '=', scope.serviceId)
    .where('environment_id', '=', scope.environmentId)
    .orderBy('key')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.key, unseal(key, r.value_sealed)]));
}

/** The variables in clear of several services of one environment, in one query: by service id, each ordered by name. */
export async function readVariablesOf(db: Db, key: Buffer, environmentId: number, serviceIds: number[]): Promise<Map<number, Record<string, string>>> {
  const entries = new Map<number, [string, string][]>(serviceIds.map((id) => [id, []]));
  if (serviceIds.length > 0) {
    const rows = await db
      .selectFrom('variables')
      .select(['service_id', 'key', 'value_sealed'])
      .where('environment_id', '=', environmentId)
      .where('service_id', 'in', serviceIds)
      .orderBy('key')
      .execute();
    for (const r of rows) entries.get(r.service_id)!.push([r.key, unseal(key, r.value_sealed)]);
  }
  // fromEntries, as readVariables: a variable may be named __proto__.
  return new Map([...entries].map(([id, list]) => [id, Object.fromEntries(list)]));
}

export async function listVariableNames(db: Db, scope: VariableScope): Promise<string[]> {
  const rows = await db.selectFrom('variables').select('key').where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).orderBy('key').execute();
  return rows.map((r) => r.key);
}
