// The images a build may start from: public ones only, never one Spur built (another project's
// code and baked-in secrets), however the Dockerfile spells the reference.
import type { DockerClient } from '../docker/client.js';
import { localImageLabels } from '../docker/images.js';
import { MANAGED_LABEL } from '../docker/names.js';
import { InvalidInput } from '../errors.js';
import * as validate from '../validate.js';
import { dockerfileImageReferences } from './dockerfile-refs.js';

export async function checkBaseImages(docker: DockerClient, dockerfileText: string): Promise<void> {
  for (const { line, ref } of dockerfileImageReferences(dockerfileText)) {
    const field = `Dockerfile line ${line}`;
    if (!ref || ref === 'scratch') continue;
    validate.publicImage(field, ref);
    // What the daemon would resolve the name to (tags, id prefixes): refuse if Spur made it.
    if ((await localImageLabels(docker, ref))?.[MANAGED_LABEL] === 'true') throw new InvalidInput(field, `${ref} is an image Spur built; use a public image`);
  }
}
