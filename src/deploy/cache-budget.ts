// Which build cache images to remove to stay under the budget. The cache Spur can remove is the
// images its builds made or reused that nothing else holds: untagged, with no child image (a
// multi-stage build's earlier stages, mostly). Removing one frees it and the untagged chain below
// it that no other image needs. The least recently used go first. Pure.
import type { ImageNode } from '../docker/images.js';

export interface CacheEntry {
  /** The short id a build printed. */
  imageId: string;
  usedAt: string;
}

export interface CachePlan {
  /** Entries to remove, oldest first, with the bytes each frees. */
  remove: { imageId: string; bytes: number }[];
  /** Bytes the removable cache holds after the removals. */
  keptBytes: number;
  /** Entries whose image is gone: to forget. */
  gone: string[];
}

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export function planCachePrune(images: ImageNode[], entries: CacheEntry[], budgetBytes: number): CachePlan {
  const byShortId = new Map(images.map((i) => [shortId(i.id), i]));
  const byId = new Map(images.map((i) => [i.id, i]));
  const children = new Map<string, number>();
  for (const image of images) if (image.parentId) children.set(image.parentId, (children.get(image.parentId) ?? 0) + 1);
  const isLoose = (image: ImageNode) => !image.tagged && !children.get(image.id);

  const gone: string[] = [];
  const removable: { imageId: string; usedAt: string; bytes: number }[] = [];
  for (const entry of entries) {
    const image = byShortId.get(entry.imageId);
    if (!image) gone.push(entry.imageId);
    else if (isLoose(image)) removable.push({ imageId: entry.imageId, usedAt: entry.usedAt, bytes: chainBytes(image, byId, children) });
  }
  removable.sort((a, b) => a.usedAt.localeCompare(b.usedAt) || a.imageId.localeCompare(b.imageId));
  let keptBytes = removable.reduce((sum, r) => sum + r.bytes, 0);
  const remove: CachePlan['remove'] = [];
  for (const r of removable) {
    if (keptBytes <= budgetBytes) break;
    remove.push({ imageId: r.imageId, bytes: r.bytes });
    keptBytes -= r.bytes;
  }
  return { remove, keptBytes, gone };
}

/** The bytes of the image's own layers and of its untagged parents that have no other child. */
function chainBytes(image: ImageNode, byId: Map<string, ImageNode>, children: Map<string, number>): number {
  let bytes = 0;
  let current: ImageNode | undefined = image;
  while (current) {
    const parent: ImageNode | undefined = current.parentId ? byId.get(current.parentId) : undefined;
    bytes += Math.max(0, current.size - (parent?.size ?? 0));
    current = parent && !parent.tagged && children.get(parent.id) === 1 ? parent : undefined;
  }
  return bytes;
}
