// Converges Spur's Traefik service: the image decideTraefikImage picks, on the spec Spur writes.
// An upgrade never takes a working Traefik down for an image that is not on the node yet.
import type { DockerClient } from '../docker/client.js';
import { ensureImagePresent } from '../docker/images.js';
import { MANAGED_LABEL } from '../docker/names.js';
import { NotOwned, ensureServiceSpec, findService } from '../docker/swarm.js';
import type { Log } from '../log.js';
import { type TraefikImageDecision, decideTraefikImage } from './traefik-image.js';

export interface EnsureTraefikOptions {
  name: string;
  /** The service spec for an image (traefikServiceSpec in production; tests give their own). */
  spec: (image: string) => { Name: string; Labels: Record<string, string> };
  shipped: string;
  /** SPUR_TRAEFIK_IMAGE, when set. */
  configured?: string;
  log: Log;
}

export interface TraefikOutcome extends TraefikImageDecision {
  applied: 'created' | 'updated' | 'unchanged' | 'held';
}

/** Creates or updates the Traefik service; refuses one of that name Spur did not make. The new
 *  image is pulled while the old Traefik still serves; when it cannot be, the old one stays. */
export async function ensureTraefik(docker: DockerClient, opts: EnsureTraefikOptions): Promise<TraefikOutcome> {
  const { name } = opts;
  const current = await findService(docker, name);
  if (current && current.Spec.Labels?.[MANAGED_LABEL] !== 'true') {
    throw new NotOwned(`a Docker service named ${name} exists and was not made by Spur; Spur leaves it alone`);
  }
  const running = current?.Spec.TaskTemplate?.ContainerSpec?.Image;
  const decision = decideTraefikImage({ shipped: opts.shipped, running, configured: opts.configured });
  if (decision.action === 'upgrade' || decision.action === 'replace') {
    try {
      await ensureImagePresent(docker, decision.image);
    } catch (err) {
      opts.log.warn(`Traefik stays at ${running}: ${decision.image} could not be pulled (${(err as Error).message})`);
      return { ...decision, applied: 'held' };
    }
    opts.log.info(`Traefik: ${decision.action} to ${decision.image}`, { reason: decision.reason, from: running });
  } else if (decision.action === 'create') {
    await ensureImagePresent(docker, decision.image).catch((err: Error) => opts.log.warn(`Traefik image ${decision.image} could not be pulled (${err.message}); Swarm will try`));
  }
  const applied = await ensureServiceSpec(docker, opts.spec(decision.image));
  return { ...decision, applied };
}
