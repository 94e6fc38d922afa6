// The stacks Spur recognises, in the order they are tried, and what they declare: the files a
// build's snapshot reads for them, and the base images the Settings page, SPUR_IMAGE_* and
// `spur instance --image-…` choose. A new stack is its own file, added here. Pure.
import { go } from './go.js';
import { node } from './node.js';
import { nodeStatic } from './node-static.js';
import { python } from './python.js';
import type { BaseImageRole, BaseImages, Stack } from './stack.js';
import { staticSite } from './static.js';

/** In the order they are tried: a static site built by Node before any Node app. */
export const STACKS: readonly Stack[] = [nodeStatic, node, python, go, staticSite];

/** Every stack's base images, in the order the Settings page and the CLI list them. */
export const BASE_IMAGE_ROLES: readonly BaseImageRole[] = STACKS.flatMap((s) => s.images);

for (const field of ['key', 'envVar', 'flag'] as const) {
  const seen = BASE_IMAGE_ROLES.map((r) => r[field]);
  const twice = seen.find((v, i) => seen.indexOf(v) !== i);
  if (twice) throw new Error(`two stacks declare the base image ${field} ${twice}`);
}

/** The official images, by role. */
export const DEFAULT_BASE_IMAGES: BaseImages = Object.freeze(Object.fromEntries(BASE_IMAGE_ROLES.map((r) => [r.key, r.defaultImage])));

/** The images written Dockerfiles start from: SPUR_IMAGE_* (`fromEnvironment`), else the owner's
 *  choice, else the official images. */
export function baseImages(chosen: Partial<Record<string, string>>, fromEnvironment: Partial<Record<string, string>>): BaseImages {
  return { ...DEFAULT_BASE_IMAGES, ...chosen, ...fromEnvironment } as BaseImages;
}

/** The small files of a root directory the stacks read. */
export const STACK_FILES: readonly string[] = [...new Set(STACKS.flatMap((s) => s.reads))];
