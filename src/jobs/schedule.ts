// node-cron wiring only: each job calls the same function a route or the deployer calls.
// Schedules are in UTC, whatever the server's zone (and the bundle reads UTC without ICU).
import cron from 'node-cron';
import { backupsDir, createBackup, pruneBackups } from '../backup/archive.js';
import type { Db } from '../db/open.js';
import type { BuildSlots } from '../builds/build-slots.js';
import { pruneImages } from '../deploy/prune.js';
import type { DockerClient } from '../docker/client.js';
import type { Log } from '../log.js';
import type { NodeFleet } from '../nodes/fleet.js';
import type { CertificateIssuer } from '../tls/issuer.js';
import { forgetOldDeliveries } from '../store/webhook-deliveries.js';
import { pruneEvents } from '../store/events.js';
import { pruneAuditLog } from '../actions/audit.js';

const IN_UTC = { timezone: 'UTC' };

export function scheduleJobs(deps: { db: Db; docker: DockerClient; log: Log; servers: Pick<NodeFleet, 'reachable'>; keepImages: number; buildCacheMb: number; buildSlots: Pick<BuildSlots, 'whileAlone'>; dataDir: string; backupKeep: number; isDaemonReady: () => boolean; certificates: Pick<CertificateIssuer, 'run'>; expirePreviews: () => Promise<unknown> }) {
  const prune = cron.schedule('17 3 * * *', async () => {
    if (!deps.isDaemonReady()) return;
    await pruneImages(deps, { keep: deps.keepImages, cacheBudgetMb: deps.buildCacheMb }).catch((err) => deps.log.error('image prune failed', { error: String(err) }));
  }, IN_UTC);
  const deliveries = cron.schedule('37 3 * * *', async () => {
    await forgetOldDeliveries(deps.db).catch((err) => deps.log.error('forgetting old webhook deliveries failed', { error: String(err) }));
    await pruneEvents(deps.db).catch((err) => deps.log.error('forgetting old events failed', { error: String(err) }));
  }, IN_UTC);
  // Audit entries past the owner's retention (Settings); the chain stays checkable from its new start.
  const audit = cron.schedule('27 3 * * *', async () => {
    await pruneAuditLog(deps).catch((err) => deps.log.error('pruning the audit log failed', { error: String(err) }));
  }, IN_UTC);
  const backups = cron.schedule('47 2 * * *', async () => {
    if (deps.backupKeep === 0) return;
    try {
      const made = await createBackup(deps.dataDir);
      const pruned = pruneBackups(backupsDir(deps.dataDir), deps.backupKeep);
      deps.log.info(`nightly backup ${made.file}`, { bytes: made.bytes, pruned: pruned.length });
    } catch (err) {
      deps.log.error('nightly backup failed', { error: String(err) });
    }
  }, IN_UTC);
  // Certificates due for renewal (30 days before expiry) and failed orders whose back-off is over.
  const certificates = cron.schedule('23 * * * *', () => deps.certificates.run(), IN_UTC);
  // Previews of pull requests past their hours.
  const previews = cron.schedule('*/10 * * * *', () => deps.expirePreviews().catch((err) => deps.log.error('removing expired previews failed', { error: String(err) })), IN_UTC);
  return {
    stop: () => {
      certificates.stop();
      previews.stop();
      prune.stop();
      deliveries.stop();
      audit.stop();
      backups.stop();
    },
  };
}
