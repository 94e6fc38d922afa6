// node-cron wiring only: each job calls the same function a route or the deployer calls.
import cron from 'node-cron';
import type { Db } from '../db/open.js';
import { pruneImages } from '../deploy/prune.js';
import type { DockerClient } from '../docker/client.js';
import type { Log } from '../log.js';
import { forgetOldDeliveries } from '../store/webhook-deliveries.js';

export function scheduleJobs(deps: { db: Db; docker: DockerClient; log: Log; keepImages: number; isEngineReady: () => boolean }) {
  const prune = cron.schedule('17 3 * * *', async () => {
    if (!deps.isEngineReady()) return;
    await pruneImages(deps, { keep: deps.keepImages, buildCache: true }).catch((err) => deps.log.error('image prune failed', { error: String(err) }));
  });
  const deliveries = cron.schedule('37 3 * * *', async () => {
    await forgetOldDeliveries(deps.db).catch((err) => deps.log.error('forgetting old webhook deliveries failed', { error: String(err) }));
  });
  return {
    stop: () => {
      prune.stop();
      deliveries.stop();
    },
  };
}
