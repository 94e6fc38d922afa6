// Holds a server's build cache to SPUR_BUILD_CACHE_MB: the images Spur's builds made that nothing
// else holds, least recently used first (cache-budget.ts), and, nightly, BuildKit's cache.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { listImageNodes, pruneBuildKitCache, removeCacheImage } from './image-build.js';
import type { Log } from '../log.js';
import { forgetBuildCacheImages, listBuildCacheImages, recordBuildCacheImages, touchBuildCacheImages } from '../store/build-cache.js';
import type { BuildSlots } from './build-slots.js';
import { type BuildCacheUse, imagesMadeDuring, planCachePrune } from './cache-budget.js';

/** How the manager is named in the build cache's records and the build slots. */
export const MANAGER = 'manager';

/** A prune that takes longer (a slow daemon, a slow link to the server) stops where it is. */
const PRUNE_TIME_MS = 60_000;
const MIB = 1024 * 1024;

export interface CachePruned {
  removed: number;
  removedBytes: number;
  keptBytes: number;
}

/** After a build, failed or not: records the images it made (those Docker made in its window that
 *  its output named: a step's commands can add names, not hide the builder's, and an added one
 *  counts only if made meanwhile), and marks the recorded ones it reused. A failure is logged: it
 *  never fails the build. */
export async function recordBuild(deps: { db: Db; log: Log }, docker: DockerClient, server: string, build: BuildCacheUse): Promise<void> {
  try {
    const made = imagesMadeDuring(await listImageNodes(docker, AbortSignal.timeout(PRUNE_TIME_MS)), build);
    await recordBuildCacheImages(deps.db, server, made);
    await touchBuildCacheImages(deps.db, server, build.reused);
  } catch (err) {
    deps.log.warn('could not record the build cache', { server, error: String(err) });
  }
}

export async function pruneBuildCacheToBudget(db: Db, docker: DockerClient, server: string, budgetMb: number): Promise<CachePruned> {
  const stopAt = Date.now() + PRUNE_TIME_MS;
  const plan = planCachePrune(await listImageNodes(docker, AbortSignal.timeout(PRUNE_TIME_MS)), await listBuildCacheImages(db, server), budgetMb * MIB);
  const forgotten = [...plan.gone];
  let removed = 0;
  let removedBytes = 0;
  let keptBytes = plan.keptBytes;
  for (const { chain, bytes } of plan.remove) {
    const [leaf, ...below] = chain;
    if (Date.now() > stopAt || !(await removeCacheImage(docker, leaf!))) {
      keptBytes += bytes;
      continue;
    }
    removed++;
    removedBytes += bytes;
    forgotten.push(leaf!);
    for (const id of below) if (await removeCacheImage(docker, id)) forgotten.push(id);
  }
  await forgetBuildCacheImages(db, server, forgotten);
  return { removed, removedBytes, keptBytes };
}

/** BuildKit's cache comes from builds run by hand on the server (Spur's use the classic builder). */
export async function pruneBuildKitToBudget(docker: DockerClient, budgetMb: number): Promise<number> {
  return pruneBuildKitCache(docker, budgetMb * MIB);
}

/** Records what the build made and reused, then holds the server's cache to its budget, unless
 *  another build runs there (it could be using an image about to go): the next build or the
 *  nightly job does it then. Never fails the build. */
export async function keepBuildCache(deps: { db: Db; log: Log; buildSlots: BuildSlots; config: { buildCacheMb: number } }, docker: DockerClient, server: string, build: BuildCacheUse, say: (line: string) => Promise<void>): Promise<void> {
  await recordBuild(deps, docker, server, build);
  try {
    const pruned = await deps.buildSlots.whileAlone(server, 1, () => pruneBuildCacheToBudget(deps.db, docker, server, deps.config.buildCacheMb));
    if (pruned?.removed) await say(describeCachePrune(server, pruned, deps.config.buildCacheMb));
  } catch (err) {
    deps.log.warn('build cache prune failed', { server, error: String(err) });
  }
}

export function describeCachePrune(server: string, pruned: CachePruned, budgetMb: number): string {
  return `Build cache on ${server === MANAGER ? 'the manager' : server}: removed ${pruned.removed} least recently used build stage image${pruned.removed === 1 ? '' : 's'} (${mib(pruned.removedBytes)} MiB) to stay under ${budgetMb} MiB (SPUR_BUILD_CACHE_MB); ${mib(pruned.keptBytes)} MiB kept`;
}

const mib = (bytes: number) => (bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0);
