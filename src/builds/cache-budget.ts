// Which build cache images to remove to stay under the budget. The cache Spur can remove is the
// images its builds made that nothing else holds: unnamed, with no child image (a multi-stage
// build's earlier stages, mostly), each with the unnamed chain below it that only it uses. The
// least recently used go first, leaf first. Pure.
import type { ImageNode } from './image-build.js';

export interface CacheEntry {
  /** Full image id, `sha256:<hex>`. */
  imageId: string;
  usedAt: string;
}

export interface CachePlan {
  /** What to remove, least recently used first: each chain leaf first, with the bytes it frees. */
  remove: { chain: string[]; bytes: number }[];
  /** Bytes the removable cache holds after the removals. */
  keptBytes: number;
  /** Entries whose image is gone: to forget. */
  gone: string[];
}

export function planCachePrune(images: ImageNode[], entries: CacheEntry[], budgetBytes: number): CachePlan {
  const byId = new Map(images.map((i) => [i.id, i]));
  const children = new Map<string, number>();
  for (const image of images) if (image.parentId) children.set(image.parentId, (children.get(image.parentId) ?? 0) + 1);

  const gone: string[] = [];
  const removable: { usedAt: string; chain: string[]; bytes: number }[] = [];
  for (const entry of entries) {
    const image = byId.get(entry.imageId);
    if (!image) gone.push(entry.imageId);
    else if (!image.named && !children.get(image.id)) removable.push({ usedAt: entry.usedAt, ...chainOf(image, byId, children) });
  }
  removable.sort((a, b) => (a.usedAt < b.usedAt ? -1 : a.usedAt > b.usedAt ? 1 : a.chain[0]! < b.chain[0]! ? -1 : 1));
  let keptBytes = removable.reduce((sum, r) => sum + r.bytes, 0);
  const remove: CachePlan['remove'] = [];
  for (const { chain, bytes } of removable) {
    if (keptBytes <= budgetBytes) break;
    remove.push({ chain, bytes });
    keptBytes -= bytes;
  }
  return { remove, keptBytes, gone };
}

/** What a build leaves for the cache to account for: its window on the daemon's clock (seconds),
 *  the image ids its output named (short) and those of its steps that were cached. */
export interface BuildCacheUse {
  since: number;
  until: number;
  mentioned: Set<string>;
  reused: string[];
}

/** The images a build made: unnamed, with a parent, made in its window, and named in its output
 *  — another build's made meanwhile on the same Docker are not this build's. Not the tagged
 *  result, nor base images. */
export function imagesMadeDuring(images: ImageNode[], build: Pick<BuildCacheUse, 'since' | 'until' | 'mentioned'>): string[] {
  return images.filter((i) => !i.named && i.parentId && i.created >= build.since - 1 && i.created <= build.until + 1 && build.mentioned.has(i.id.replace(/^sha256:/, '').slice(0, 12))).map((i) => i.id);
}

/** The image and its unnamed parents that have no other child, leaf first, and their own bytes. */
function chainOf(image: ImageNode, byId: Map<string, ImageNode>, children: Map<string, number>): { chain: string[]; bytes: number } {
  const chain: string[] = [];
  let bytes = 0;
  let current: ImageNode | undefined = image;
  while (current) {
    const parent: ImageNode | undefined = current.parentId ? byId.get(current.parentId) : undefined;
    chain.push(current.id);
    bytes += Math.max(0, current.size - (parent?.size ?? 0));
    current = parent && !parent.named && children.get(parent.id) === 1 ? parent : undefined;
  }
  return { chain, bytes };
}
