// Removes deployment images beyond the retention and clears the build cache.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { pruneBuildCache, removeOwnedImage } from '../docker/images.js';
import type { Log } from '../log.js';
import type { NodeFleet } from '../nodes/fleet.js';
import { imagesToPrune } from './retention.js';

/** The build cache is kept unless asked: it makes the next build fast. The servers drop the same
 *  images (sent to them for tasks, or built there) and, when asked, their build cache. */
export async function pruneImages(deps: { db: Db; docker: DockerClient; log: Log; servers?: Pick<NodeFleet, 'reachable'> }, opts: { keep: number; buildCache: boolean }): Promise<{ removed: string[]; cacheBytes: number }> {
  const rows = await deps.db.selectFrom('deployments').select(['id', 'service_id', 'environment_id', 'status', 'image_tag']).where('image_tag', 'is not', null).execute();
  const removed: string[] = [];
  const tags = imagesToPrune(rows.map((r) => ({ id: r.id, serviceId: r.service_id, environmentId: r.environment_id, status: r.status, imageTag: r.image_tag })), opts.keep);
  for (const tag of tags) {
    if (await removeOwnedImage(deps.docker, tag)) removed.push(tag);
  }
  let cacheBytes = opts.buildCache ? await pruneBuildCache(deps.docker) : 0;
  for (const server of (await deps.servers?.reachable()) ?? []) {
    try {
      for (const tag of tags) await removeOwnedImage(server.docker, tag);
      if (opts.buildCache) cacheBytes += await pruneBuildCache(server.docker);
    } catch (err) {
      deps.log.warn('image prune failed on a server', { server: server.name, error: String(err) });
    }
  }
  if (removed.length || cacheBytes) deps.log.info('pruned images', { removed: removed.length, buildCacheBytes: cacheBytes });
  return { removed, cacheBytes };
}
