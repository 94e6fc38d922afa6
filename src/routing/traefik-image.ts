// Which Traefik image Spur's edge service runs. Pure. Spur owns the Traefik version: it ships
// with one release and upgrades a Traefik it runs that is older, so an engine upgrade that drops
// old API versions (Docker 29 refuses the 1.24 Traefik ≤ 3.6.0 asks for) does not stop routing.
import { compareVersions } from '../docker/api-version.js';

/** Traefik 3.6.1 and later negotiate the Docker API version (traefik/traefik#12253), so this works
 *  from Docker 20.10 (API 1.41) through 29. A patch release, not `v3.6`: that tag was 3.6.0. */
export const SHIPPED_TRAEFIK_IMAGE = 'traefik:v3.6.13';

const OFFICIAL = /^(?:(?:docker\.io|index\.docker\.io)\/)?(?:library\/)?traefik:v?(\d+(?:\.\d+){0,2})(?:@sha256:[0-9a-f]{64})?$/;

/** The release an official Traefik image reference names (`traefik:v3.5` → `3.5`), or undefined
 *  for other repositories and tags that are not a plain release (latest, release candidates). */
export function traefikVersion(ref: string): string | undefined {
  return OFFICIAL.exec(ref)?.[1];
}

const withoutDigest = (ref: string) => ref.replace(/@sha256:[0-9a-f]{64}$/, '');

export interface TraefikImageDecision {
  image: string;
  /** create: no service yet; upgrade: an older release replaced by the shipped one; replace: the
   *  configured image differs from the running one; keep: the running image stays. */
  action: 'create' | 'upgrade' | 'replace' | 'keep';
  reason: string;
}

/** `configured` is SPUR_TRAEFIK_IMAGE: the owner's choice, run as named. Unset, a missing service
 *  gets the shipped release, an older release is upgraded to it, and a newer release or an image
 *  that is not a Traefik release is left as it runs. */
export function decideTraefikImage(opts: { shipped: string; running?: string; configured?: string }): TraefikImageDecision {
  const { shipped, running, configured } = opts;
  if (configured) {
    const reason = 'SPUR_TRAEFIK_IMAGE names it';
    if (!running) return { image: configured, action: 'create', reason };
    return { image: configured, action: running === configured || withoutDigest(running) === configured ? 'keep' : 'replace', reason };
  }
  if (!running) return { image: shipped, action: 'create', reason: 'the Traefik Spur ships with' };
  const have = traefikVersion(running);
  const ships = traefikVersion(shipped);
  if (!have || !ships) return { image: running, action: 'keep', reason: `${withoutDigest(running)} is not a Traefik release Spur can compare; left as it is` };
  const order = compareVersions(have, ships);
  if (order < 0) return { image: shipped, action: 'upgrade', reason: `${withoutDigest(running)} is older than the ${shipped} Spur ships with` };
  if (order > 0) return { image: running, action: 'keep', reason: `${withoutDigest(running)} is newer than the ${shipped} Spur ships with` };
  return { image: running, action: 'keep', reason: 'it runs the Traefik Spur ships with' };
}
