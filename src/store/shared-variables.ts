// A project environment's shared variables, sealed at rest. A change marks every service of the
// environment as changed since its deploy: they all may reference them.
import type { Db } from '../db/open.js';
import { seal, unseal } from '../secrets.js';
import { inTransaction, nowIso } from './time.js';

/** Sets (or with `null`, removes) shared variables in one transaction (the caller's, when `db` is one). */
export async function setSharedVariables(db: Db, key: Buffer, environmentId: number, changes: Record<string, string | null>): Promise<void> {
  await inTransaction(db, async (tx) => {
    for (const [name, value] of Object.entries(changes)) {
      await tx.deleteFrom('shared_variables').where('environment_id', '=', environmentId).where('key', '=', name).execute();
      if (value !== null) await tx.insertInto('shared_variables').values({ environment_id: environmentId, key: name, value_sealed: seal(key, value), updated_at: nowIso() }).execute();
    }
    await tx.updateTable('service_instances').set({ changed_at: nowIso() }).where('environment_id', '=', environmentId).execute();
  });
}

export async function readSharedVariables(db: Db, key: Buffer, environmentId: number): Promise<Record<string, string>> {
  const rows = await db.selectFrom('shared_variables').select(['key', 'value_sealed']).where('environment_id', '=', environmentId).orderBy('key').execute();
  return Object.fromEntries(rows.map((r) => [r.key, unseal(key, r.value_sealed)]));
}

export async function listSharedVariableNames(db: Db, environmentId: number): Promise<string[]> {
  return (await db.selectFrom('shared_variables').select('key').where('environment_id', '=', environmentId).orderBy('key').execute()).map((r) => r.key);
}
