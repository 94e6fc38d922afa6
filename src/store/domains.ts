// Hostnames are unique across the installation: generated-domain labels are assigned once here.
import type { Db } from '../db/open.js';
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
