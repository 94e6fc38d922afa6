// Every database backup, whoever asks (a person, or the database's schedule): the dump first, then
// in the background its copy to S3-compatible storage (when configured), its verification, and
// the pruning of backups beyond the database's retention count. One backup of a database at a time.
import { basename } from 'node:path';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import cron, { type ScheduledTask } from 'node-cron';
import type { DatabaseBackup, DatabaseRecord } from '../db/schema.js';
import { Conflict, oneLine } from '../errors.js';
import type { Log } from '../log.js';
import { credentialsOf, listAllDatabases } from '../store/databases.js';
import { listBackups, recordRemoteCopy, removeBackupRecord } from '../store/database-backups.js';
import { backupStorage } from '../store/settings.js';
import { s3Storage } from '../storage/s3.js';
import { type BackupDeps, backUp } from './backups.js';
import type { DatabaseRef } from './service-spec.js';
import { verifyBackup } from './verify.js';

export interface DatabaseBackupsDeps extends BackupDeps {
  log: Log;
  isDaemonReady: () => boolean;
}

/** Which backups go when a database keeps its newest `keep`: completed ones beyond that, and
 *  failed ones older than the oldest kept. Pure; `backups` newest first. */
export function backupsBeyond(backups: Pick<DatabaseBackup, 'id' | 'status'>[], keep: number): number[] {
  const gone: number[] = [];
  let kept = 0;
  for (const b of backups) {
    if (b.status === 'running') continue;
    if (b.status === 'ok' && kept < keep) kept++;
    else if (b.status === 'ok' || kept >= keep) gone.push(b.id);
  }
  return gone;
}

type RemoteCopy = { key: string; status: 'uploading' | 'ok' | 'failed'; error?: string };

/** Uploads a backup's file to the configured S3-compatible storage (none configured: nothing);
 *  `record` keeps how it went on the backup's record. Database and volume backups alike. */
export async function copyToStorage(deps: Pick<BackupDeps, 'db' | 'key'>, key: string | null, file: string | null, record: (copy: RemoteCopy) => Promise<unknown>): Promise<void> {
  const storage = await backupStorage(deps.db, deps.key);
  if (!storage || !file || !key) return;
  await record({ key, status: 'uploading' });
  try {
    await s3Storage(storage).upload(key, createReadStream(file));
    await record({ key, status: 'ok' });
  } catch (err) {
    await record({ key, status: 'failed', error: oneLine((err as Error).message) });
  }
}

/** The object key of a backup's copy: the same layout as the data dir's. */
export const remoteKeyOf = (ref: DatabaseRef, file: string) => `${ref.project}/${ref.environment}/${ref.name}/${basename(file)}`;

export class DatabaseBackups {
  private readonly inFlight = new Set<number>();
  private readonly following = new Set<Promise<void>>();
  private readonly schedules = new Map<number, { expr: string; task: ScheduledTask }>();

  constructor(private readonly deps: DatabaseBackupsDeps) {}

  /** Dumps the database now and answers with the record once the file is on disk (or failed);
   *  its copy, verification and pruning follow. */
  async backUpNow(ref: DatabaseRef, d: DatabaseRecord, trigger: 'schedule' | 'manual'): Promise<DatabaseBackup> {
    if (this.inFlight.has(d.id)) throw new Conflict(`a backup of ${d.name} is running; wait for it to finish`);
    this.inFlight.add(d.id);
    try {
      const backup = await backUp(this.deps, ref, d, trigger);
      if (backup.status === 'ok') this.follow(this.afterBackup(ref, d, backup));
      return backup;
    } finally {
      this.inFlight.delete(d.id);
    }
  }

  /** Resolves once every copy, verification and pruning under way has ended. */
  async settled(): Promise<void> {
    while (this.following.size > 0) await Promise.allSettled([...this.following]);
  }

  private follow(work: Promise<void>): void {
    const tracked = work.catch((err) => this.deps.log.error('a backup follow-up failed', { error: String(err) })).finally(() => this.following.delete(tracked));
    this.following.add(tracked);
  }

  private async afterBackup(ref: DatabaseRef, d: DatabaseRecord, b: DatabaseBackup): Promise<void> {
    await this.copyToStorage(ref, b);
    await verifyBackup(this.deps, d, credentialsOf(this.deps.key, d), b);
    await this.prune(d);
  }

  private copyToStorage(ref: DatabaseRef, b: DatabaseBackup): Promise<void> {
    return copyToStorage(this.deps, b.file && remoteKeyOf(ref, b.file), b.file, (copy) => recordRemoteCopy(this.deps.db, b.id, copy));
  }

  /** Removes the database's backups beyond its retention count: file, S3 copy and record. */
  async prune(d: Pick<DatabaseRecord, 'environment_id' | 'name' | 'backup_keep'>, keep = d.backup_keep): Promise<void> {
    const backups = await listBackups(this.deps.db, d.environment_id, d.name);
    const gone = new Set(backupsBeyond(backups, keep));
    const storage = gone.size ? await backupStorage(this.deps.db, this.deps.key) : null;
    for (const b of backups.filter((x) => gone.has(x.id))) {
      if (b.file) await rm(b.file, { force: true });
      if (storage && b.remote_key && b.remote_status === 'ok') {
        await s3Storage(storage).remove(b.remote_key).catch((err) => this.deps.log.error('could not remove a pruned backup from S3', { backup: b.id, error: String(err) }));
      }
      await removeBackupRecord(this.deps.db, b.id);
    }
  }

  /** Brings the cron tasks to the databases' schedules: after a start, and after any change. */
  async refreshSchedules(): Promise<void> {
    const databases = await listAllDatabases(this.deps.db);
    const wanted = new Map(databases.filter((d) => d.backup_schedule).map((d) => [d.id, d]));
    for (const [id, s] of this.schedules) {
      if (wanted.get(id)?.backup_schedule === s.expr) continue;
      await s.task.stop();
      this.schedules.delete(id);
    }
    for (const [id, d] of wanted) {
      if (this.schedules.has(id)) continue;
      const expr = d.backup_schedule as string;
      const task = cron.schedule(expr, () => this.scheduled(id), { timezone: 'UTC', name: `backup-${id}` });
      this.schedules.set(id, { expr, task });
    }
  }

  /** When the database's next scheduled backup starts, if it has a schedule. */
  nextRun(databaseId: number): Date | null {
    return this.schedules.get(databaseId)?.task.getNextRun() ?? null;
  }

  private async scheduled(databaseId: number): Promise<void> {
    const d = (await listAllDatabases(this.deps.db)).find((x) => x.id === databaseId);
    // Gone with its environment or project: its schedule goes too.
    if (!d) return this.refreshSchedules();
    if (!this.deps.isDaemonReady()) return this.deps.log.error('scheduled backup skipped: Docker is not answering', { database: d.name });
    try {
      const b = await this.backUpNow({ project: d.project, environment: d.environment, name: d.name }, d, 'schedule');
      if (b.status !== 'ok') this.deps.log.error('scheduled backup failed', { database: d.name, error: b.error });
    } catch (err) {
      this.deps.log.error('scheduled backup did not run', { database: d.name, error: String(err) });
    }
  }

  stop(): void {
    for (const s of this.schedules.values()) void s.task.stop();
    this.schedules.clear();
  }
}
