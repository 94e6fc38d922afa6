// What `${{name.VARIABLE}}` can name in one environment: every other service's variables (and
// its PORT), every database's connection variables, by name, and the environment's shared
// variables as `shared`.
import type { Db } from '../db/open.js';
import type { ReferenceSources } from '../variables/references.js';
import { credentialsOf, listDatabases } from '../store/databases.js';
import { readVariables } from '../store/variables.js';
import { readSharedVariables } from '../store/shared-variables.js';
import { ENGINES } from './engines/index.js';

/** The name shared variables go by; no service or database may have it. */
export const SHARED = 'shared';

export async function referenceSources(db: Db, key: Buffer, environmentId: number, exceptServiceId?: number): Promise<ReferenceSources> {
  const sources = new Map<string, Record<string, string>>();
  const instances = await db
    .selectFrom('service_instances')
    .innerJoin('services', 'services.id', 'service_instances.service_id')
    .select(['services.id', 'services.name', 'service_instances.port'])
    .where('service_instances.environment_id', '=', environmentId)
    .execute();
  for (const i of instances) {
    if (i.id === exceptServiceId) continue;
    sources.set(i.name, { ...(await readVariables(db, key, { serviceId: i.id, environmentId })), PORT: String(i.port) });
  }
  for (const d of await listDatabases(db, environmentId)) {
    const engine = ENGINES[d.engine];
    if (engine) sources.set(d.name, engine.variables(credentialsOf(key, d), d.name));
  }
  sources.set(SHARED, await readSharedVariables(db, key, environmentId));
  return sources;
}
