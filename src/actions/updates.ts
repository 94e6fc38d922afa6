// Spur's own update to a newer release.
import type { Deps } from '../deps.js';
import { Forbidden } from '../errors.js';
import type { Actor } from './common.js';

/** An owner starts the update to the newer release the daily check found (UI button and API). */
export async function startUpdate(deps: Deps, user: Actor): Promise<string> {
  if (user.role !== 'owner') throw new Forbidden('only an owner can update Spur');
  return deps.updates.launch();
}
