// Who uses a database (or any named service) of an environment: the services whose variables
// reference it as `${{name.VARIABLE}}`, with those variables — said before it is deleted.
import type { Db } from '../db/open.js';
import { referencesIn } from '../variables/references.js';
import { InvalidInput } from '../errors.js';
import { readVariablesOf } from '../store/variables.js';

/** By service name (sorted), the variables (sorted) that reference `name`. */
export type Referrers = { service: string; variables: string[] }[];

/** Pure: of `variablesByService`, the services and variables whose values reference `name`. A
 *  malformed reference names nothing (the deploy refuses it on its own). */
export function referrersIn(name: string, variablesByService: ReadonlyMap<string, Readonly<Record<string, string>>>): Referrers {
  const out: Referrers = [];
  for (const [service, variables] of [...variablesByService].sort(([a], [b]) => a.localeCompare(b))) {
    const using = Object.keys(variables)
      .filter((key) => usesName(variables[key], name))
      .sort();
    if (using.length) out.push({ service, variables: using });
  }
  return out;
}

function usesName(value: string, name: string): boolean {
  if (!value.includes('${{')) return false;
  try {
    return referencesIn(value).some((r) => r.slice(0, r.indexOf('.')) === name);
  } catch (err) {
    if (err instanceof InvalidInput) return false;
    throw err;
  }
}

/** The services of an environment that reference `name`. */
export async function referrersOf(db: Db, key: Buffer, environmentId: number, name: string): Promise<Referrers> {
  const services = await db
    .selectFrom('service_instances')
    .innerJoin('services', 'services.id', 'service_instances.service_id')
    .select(['services.id', 'services.name'])
    .where('service_instances.environment_id', '=', environmentId)
    .execute();
  const values = await readVariablesOf(db, key, environmentId, services.map((s) => s.id));
  return referrersIn(name, new Map(services.map((s) => [s.name, values.get(s.id)!])));
}
