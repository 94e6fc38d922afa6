// Holds a server's build cache to SPUR_BUILD_CACHE_MB: the images Spur's builds left that nothing
// else holds, least recently used first (cache-budget.ts), and, nightly, BuildKit's cache.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { listImageNodes, pruneBuildKitCache, removeCacheImage } from '../docker/images.js';
import { forgetBuildCacheImages, listBuildCacheImages } from '../store/build-cache.js';
import { planCachePrune } from './cache-budget.js';

/** How the manager is named in the build cache's records and the build slots. */
export const MANAGER = 'manager';

export interface CachePruned {
  removed: number;
  removedBytes: number;
  keptBytes: number;
}

export async function pruneBuildCacheToBudget(db: Db, docker: DockerClient, server: string, budgetMb: number): Promise<CachePruned> {
  const plan = planCachePrune(await listImageNodes(docker), await listBuildCacheImages(db, server), budgetMb * MIB);
  const removed: string[] = [];
  let removedBytes = 0;
  let keptBytes = plan.keptBytes;
  for (const image of plan.remove) {
    if (await removeCacheImage(docker, image.imageId)) {
      removed.push(image.imageId);
      removedBytes += image.bytes;
    } else {
      keptBytes += image.bytes;
    }
  }
  await forgetBuildCacheImages(db, server, [...plan.gone, ...removed]);
  return { removed: removed.length, removedBytes, keptBytes };
}

/** BuildKit's cache comes from builds run by hand on the server (Spur's use the classic builder). */
export async function pruneBuildKitToBudget(docker: DockerClient, budgetMb: number): Promise<number> {
  return pruneBuildKitCache(docker, budgetMb * MIB);
}

export function describeCachePrune(server: string, pruned: CachePruned, budgetMb: number): string {
  return `Build cache on ${server === MANAGER ? 'the manager' : server}: removed ${pruned.removed} least recently used build stage image${pruned.removed === 1 ? '' : 's'} (${mib(pruned.removedBytes)} MiB) to stay under ${budgetMb} MiB (SPUR_BUILD_CACHE_MB); ${mib(pruned.keptBytes)} MiB kept`;
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => (bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0);
