// Every volume backup, whoever asks (a person, or the volume's schedule): the backup first, then
// in the background its copy to S3-compatible storage (when one is set) and the pruning of backups
// beyond the volume's retention count. One backup of a volume at a time.
import { rm } from 'node:fs/promises';
import cron, { type ScheduledTask } from 'node-cron';
import type { VolumeBackup } from '../db/schema.js';
import { backupsBeyond, copyToStorage } from '../databases/backup-runs.js';
import { Conflict } from '../errors.js';
import { findActiveDeployment } from '../store/deployments.js';
import { backupStorage } from '../store/settings.js';
import { failInterruptedVolumeBackups, listVolumeBackups, recordVolumeRemoteCopy, removeVolumeBackupRecord, scheduledVolumes, volumeWithNames } from '../store/volume-backups.js';
import { s3Storage } from '../storage/s3.js';
import { recoverFromInterruptedReads } from '../docker/volume-archive.js';
import { type VolumeBackupDeps, type VolumeTarget, backUpVolume, volumeRemoteKey } from './backups.js';

export interface VolumeBackupsDeps extends VolumeBackupDeps {
  isDaemonReady: () => boolean;
}

export class VolumeBackups {
  private readonly inFlight = new Set<number>();
  private readonly following = new Set<Promise<void>>();
  private readonly schedules = new Map<number, { expr: string; task: ScheduledTask }>();

  constructor(private readonly deps: VolumeBackupsDeps) {}

  /** Fails the backups a stop cut off (resuming the containers they paused), and starts the
   *  schedules. */
  async start(): Promise<void> {
    await failInterruptedVolumeBackups(this.deps.db);
    if (this.deps.isDaemonReady()) {
      const recovered = await recoverFromInterruptedReads(this.deps.docker, this.deps.installId).catch((err) => (this.deps.log.error('could not look for containers a volume backup left paused', { error: String(err) }), undefined));
      if (recovered?.resumed) this.deps.log.warn('resumed containers an interrupted volume backup had paused', recovered);
    }
    await this.refreshSchedules();
  }

  /** The volume with its names and the image it is read with; undefined once it is removed. */
  async target(volumeId: number): Promise<VolumeTarget | undefined> {
    const v = await volumeWithNames(this.deps.db, volumeId);
    if (!v) return undefined;
    const { project, service, environment, ...volume } = v;
    const serving = await findActiveDeployment(this.deps.db, { serviceId: v.service_id, environmentId: v.environment_id });
    return { project, service, environment, volume, image: serving?.image_tag ?? null };
  }

  /** Backs the volume up now and answers with the record once the file is written (or failed);
   *  its copy and pruning follow. */
  async backUpNow(t: VolumeTarget, trigger: 'schedule' | 'manual'): Promise<VolumeBackup> {
    if (this.inFlight.has(t.volume.id)) throw new Conflict(`a backup of volume ${t.volume.name} is running; wait for it to finish`);
    this.inFlight.add(t.volume.id);
    try {
      const backup = await backUpVolume(this.deps, t, trigger);
      if (backup.status === 'ok') this.follow(this.afterBackup(t, backup));
      return backup;
    } finally {
      this.inFlight.delete(t.volume.id);
    }
  }

  /** Resolves once every copy and pruning under way has ended. */
  async settled(): Promise<void> {
    while (this.following.size > 0) await Promise.allSettled([...this.following]);
  }

  private follow(work: Promise<void>): void {
    const tracked = work.catch((err) => this.deps.log.error('a volume backup follow-up failed', { error: String(err) })).finally(() => this.following.delete(tracked));
    this.following.add(tracked);
  }

  private async afterBackup(t: VolumeTarget, b: VolumeBackup): Promise<void> {
    await copyToStorage(this.deps, b.file && volumeRemoteKey(t, b.file), b.file, (copy) => recordVolumeRemoteCopy(this.deps.db, b.id, copy));
    await this.prune(t);
  }

  /** Removes the volume's backups beyond its retention count: file, S3 copy and record. */
  async prune(t: Pick<VolumeTarget, 'volume'>): Promise<void> {
    const backups = await listVolumeBackups(this.deps.db, t.volume);
    const gone = new Set(backupsBeyond(backups, t.volume.backup_keep));
    const storage = gone.size ? await backupStorage(this.deps.db, this.deps.key) : null;
    for (const b of backups.filter((x) => gone.has(x.id))) {
      if (b.file) await rm(b.file, { force: true });
      if (storage && b.remote_key && b.remote_status === 'ok') await s3Storage(storage).remove(b.remote_key).catch((err) => this.deps.log.error('could not remove a pruned volume backup from S3', { backup: b.id, error: String(err) }));
      await removeVolumeBackupRecord(this.deps.db, b.id);
    }
  }

  /** Brings the cron tasks to the volumes' schedules: at the start, and after any change. */
  async refreshSchedules(): Promise<void> {
    const wanted = new Map((await scheduledVolumes(this.deps.db)).map((v) => [v.id, v.backup_schedule as string]));
    for (const [id, s] of this.schedules) {
      if (wanted.get(id) === s.expr) continue;
      await s.task.stop();
      this.schedules.delete(id);
    }
    for (const [id, expr] of wanted) {
      if (this.schedules.has(id)) continue;
      this.schedules.set(id, { expr, task: cron.schedule(expr, () => this.scheduled(id), { timezone: 'UTC', name: `volume-backup-${id}` }) });
    }
  }

  nextRun(volumeId: number): Date | null {
    return this.schedules.get(volumeId)?.task.getNextRun() ?? null;
  }

  private async scheduled(volumeId: number): Promise<void> {
    const t = await this.target(volumeId);
    if (!t) return this.refreshSchedules();
    if (!this.deps.isDaemonReady()) return this.deps.log.error('scheduled volume backup skipped: Docker is not answering', { volume: t.volume.name });
    try {
      const b = await this.backUpNow(t, 'schedule');
      if (b.status !== 'ok') this.deps.log.error('scheduled volume backup failed', { service: t.service, volume: t.volume.name, error: b.error });
    } catch (err) {
      this.deps.log.error('scheduled volume backup did not run', { volume: t.volume.name, error: String(err) });
    }
  }

  stop(): void {
    for (const s of this.schedules.values()) void s.task.stop();
    this.schedules.clear();
  }
}
