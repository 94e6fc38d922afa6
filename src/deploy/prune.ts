// Removes deployment images beyond the retention, and holds the build cache to its budget.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { removeOwnedImage } from '../docker/images.js';
import type { Log } from '../log.js';
import type { NodeFleet } from '../nodes/fleet.js';
import { MANAGER, pruneBuildCacheToBudget, pruneBuildKitToBudget } from '../builds/build-cache.js';
import type { BuildSlots } from '../builds/build-slots.js';
import { imagesToPrune } from './retention.js';

/** Each build holds its server's cache to the budget as it ends; with `cacheBudgetMb` (nightly)
 *  it is done here too, BuildKit's cache included, on each server no build runs on. The servers
 *  drop the same images (sent to them for tasks, or built there). */
export async function pruneImages(
  deps: { db: Db; docker: DockerClient; log: Log; servers?: Pick<NodeFleet, 'reachable'>; buildSlots?: Pick<BuildSlots, 'whileAlone'> },
  opts: { keep: number; cacheBudgetMb?: number },
): Promise<{ removed: string[]; cacheBytes: number }> {
  const rows = await deps.db.selectFrom('deployments').select(['id', 'service_id', 'environment_id', 'status', 'image_tag']).where('image_tag', 'is not', null).execute();
  const removed: string[] = [];
  const tags = imagesToPrune(rows.map((r) => ({ id: r.id, serviceId: r.service_id, environmentId: r.environment_id, status: r.status, imageTag: r.image_tag })), opts.keep);
  for (const tag of tags) {
    if (await removeOwnedImage(deps.docker, tag)) removed.push(tag);
  }
  // Skipped on a server where a build runs: it could be using an image about to go.
  const pruneCache = async (server: string, docker: DockerClient): Promise<number> => {
    if (opts.cacheBudgetMb === undefined || !deps.buildSlots) return 0;
    const budget = opts.cacheBudgetMb;
    const bytes = await deps.buildSlots.whileAlone(server, 0, async () => (await pruneBuildCacheToBudget(deps.db, docker, server, budget)).removedBytes + (await pruneBuildKitToBudget(docker, budget)));
    return bytes ?? 0;
  };
  let cacheBytes = 0;
  try {
    cacheBytes += await pruneCache(MANAGER, deps.docker);
  } catch (err) {
    deps.log.warn('build cache prune failed on the manager', { error: String(err) });
  }
  for (const server of (await deps.servers?.reachable()) ?? []) {
    try {
      for (const tag of tags) await removeOwnedImage(server.docker, tag);
      cacheBytes += await pruneCache(server.name, server.docker);
    } catch (err) {
      deps.log.warn('image prune failed on a server', { server: server.name, error: String(err) });
    }
  }
  if (removed.length || cacheBytes) deps.log.info('pruned images', { removed: removed.length, buildCacheBytes: cacheBytes });
  return { removed, cacheBytes };
}
