// The images a build may start from or copy out of, and those a service or database runs: public
// ones only, never one Spur built (another project's code and baked-in secrets), however the
// Dockerfile, its ARGs, the build variables, a base image's ONBUILD triggers or a retag spell it.
import type { DockerClient } from '../docker/client.js';
import { type LocalImage, findLocalImage, pullImage } from '../docker/images.js';
import { MANAGED_LABEL } from '../docker/names.js';
import { InvalidInput } from '../errors.js';
import * as validate from '../validate.js';
import { type ImageReference, dockerfileImageReferences, onbuildImageReferences } from './dockerfile-refs.js';

export interface BaseImageCheck {
  dockerfileText: string;
  /** Exactly the build arguments the build is given: they decide what its ARGs resolve to. */
  buildArgs: Readonly<Record<string, string>>;
  say?: (line: string) => Promise<void>;
}

/** Resolves every image reference of the build with the values it really gets and refuses an
 *  empty one, one outside Docker's grammar, one in Spur's namespace or shaped like an image id,
 *  and one the daemon resolves to an image Spur built. A base image the daemon does not have
 *  yet is pulled (the build would pull it) so that its ONBUILD triggers are held to the same rule. */
export async function checkBaseImages(docker: DockerClient, check: BaseImageCheck): Promise<void> {
  for (const ref of dockerfileImageReferences(check.dockerfileText, check.buildArgs)) {
    if (ref.instruction === 'FROM' && ref.ref === 'scratch') continue;
    const found = await checkReference(docker, ref, ref.written === ref.ref || !ref.ref ? '' : ` (${ref.written} with this build's values)`);
    if (ref.instruction !== 'FROM') continue;
    const base = found ?? (await pullBase(docker, ref.ref, `Dockerfile line ${ref.line}`, check.say));
    for (const trigger of onbuildImageReferences(base.onBuild, ref.line)) await checkReference(docker, trigger, ` (an ONBUILD trigger of ${ref.ref})`);
  }
}

/** Refuses an image a service or a database would run unless it is public: not in Spur's
 *  namespace, not shaped like an image id, and not resolved by the daemon to an image Spur built
 *  (a retag). A daemon that does not answer fails the check. */
export async function checkRunImage(docker: DockerClient, field: string, ref: string): Promise<void> {
  validate.publicImage(field, ref);
  if ((await findLocalImage(docker, ref))?.labels[MANAGED_LABEL] === 'true') throw new InvalidInput(field, `${ref} is an image Spur built; use a public image`);
}

/** Refuses one reference as `Dockerfile line N: <why><note>`; the note says where its value came from. */
async function checkReference(docker: DockerClient, ref: ImageReference, note: string): Promise<LocalImage | undefined> {
  const field = `Dockerfile line ${ref.line}`;
  const refuse = (why: string) => new InvalidInput(field, `${why}${note}`);
  if (!ref.ref) throw refuse(`${ref.instruction} names no image: ${ref.written} is empty with this build's ARG defaults and build variables`);
  try {
    validate.buildImageRef(field, ref.ref);
  } catch (err) {
    throw err instanceof InvalidInput ? refuse(err.message.slice(field.length + 2)) : err;
  }
  // What the daemon resolves the name to (tags, digests): refused if Spur made it, whatever it is called.
  const found = await findLocalImage(docker, ref.ref);
  if (found?.labels[MANAGED_LABEL] === 'true') throw refuse(`${ref.ref} is an image Spur built; use a public image`);
  return found;
}

async function pullBase(docker: DockerClient, ref: string, field: string, say?: BaseImageCheck['say']): Promise<LocalImage> {
  await say?.(`Pulling ${ref} to check its ONBUILD triggers`);
  try {
    await pullImage(docker, ref);
  } catch (err) {
    throw new InvalidInput(field, `could not pull ${ref}: ${(err as Error).message}`);
  }
  const pulled = await findLocalImage(docker, ref);
  if (!pulled) throw new InvalidInput(field, `${ref} is not on the daemon after pulling it`);
  return pulled;
}

