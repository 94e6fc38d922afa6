// Spur's own update to a newer release.
import type { Deps } from '../deps.js';
import { type Actor, requireTo } from './access.js';
import { audit } from './record.js';

/** An owner starts the update to the newer release the daily check found (UI button and API). */
export async function startUpdate(deps: Deps, user: Actor): Promise<string> {
  await requireTo(deps, user, 'update.start');
  const version = await deps.updates.launch();
  await audit(deps, user, 'update.start', null, { after: { version } });
  return version;
}
