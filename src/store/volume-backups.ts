// Records of volume backups: started, then finished (file, size, SHA-256) or failed (why); a
// volume's schedule and retention; the volume's Docker volume swapped for a restored one.
import type { Db } from '../db/open.js';
import type { Volume, VolumeBackup } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { recordEvent } from './events.js';
import { inTransaction, nowIso } from './time.js';

export const startVolumeBackup = (db: Db, v: Volume, trigger: 'schedule' | 'manual') =>
  db.insertInto('volume_backups').values({ service_id: v.service_id, environment_id: v.environment_id, volume_name: v.name, status: 'running', trigger, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();

export function finishVolumeBackup(db: Db, id: number, done: { file: string; size: number; sha256: string } | { error: string }): Promise<VolumeBackup> {
  const set = 'error' in done ? { status: 'failed' as const, error: done.error, finished_at: nowIso() } : { status: 'ok' as const, ...done, finished_at: nowIso() };
  return inTransaction(db, async (tx) => {
    const b = await tx.updateTable('volume_backups').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    const where = await tx.selectFrom('services').innerJoin('environments', 'environments.project_id', 'services.project_id').select(['services.project_id', 'services.name as service', 'environments.name as environment']).where('services.id', '=', b.service_id).where('environments.id', '=', b.environment_id).executeTakeFirst();
    if (where) await recordEvent(tx, where.project_id, b.status === 'ok' ? 'backup.done' : 'backup.failed', { backup: b.id, volume: b.volume_name, service: where.service, environment: where.environment, trigger: b.trigger, ...(b.status === 'ok' ? { size: b.size } : { reason: b.error }) });
    return b;
  });
}

/** A volume's backups, newest first (also those of a volume since removed, by its name). */
export const listVolumeBackups = (db: Db, v: Pick<Volume, 'service_id' | 'environment_id' | 'name'>) =>
  db.selectFrom('volume_backups').selectAll().where('service_id', '=', v.service_id).where('environment_id', '=', v.environment_id).where('volume_name', '=', v.name).orderBy('id', 'desc').execute();

export const findVolumeBackup = (db: Db, v: Pick<Volume, 'service_id' | 'environment_id' | 'name'>, id: number) =>
  db.selectFrom('volume_backups').selectAll().where('service_id', '=', v.service_id).where('environment_id', '=', v.environment_id).where('volume_name', '=', v.name).where('id', '=', id).executeTakeFirst();

/** Backups a stop cut off are failed, not left running for ever. */
export const failInterruptedVolumeBackups = (db: Db) => db.updateTable('volume_backups').set({ status: 'failed', error: 'interrupted: Spur stopped during the backup', finished_at: nowIso() }).where('status', '=', 'running').execute();

export const recordVolumeRemoteCopy = (db: Db, id: number, copy: { key: string; status: 'uploading' | 'ok' | 'failed'; error?: string }) =>
  db.updateTable('volume_backups').set({ remote_key: copy.key, remote_status: copy.status, remote_error: copy.error ?? null }).where('id', '=', id).execute();

export const removeVolumeBackupRecord = (db: Db, id: number) => db.deleteFrom('volume_backups').where('id', '=', id).execute();

export const setVolumeBackupPolicy = (db: Db, id: number, policy: { backup_schedule?: string | null; backup_keep?: number }) =>
  db.updateTable('volumes').set(policy).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

/** The ids and schedules of the volumes that have one. */
export const scheduledVolumes = (db: Db) => db.selectFrom('volumes').select(['id', 'backup_schedule']).where('backup_schedule', 'is not', null).execute();

/** Points the volume at the Docker volume a restore filled (the instance has changes to deploy);
 *  refused when the volume was changed since it was read. */
export async function swapDockerVolume(db: Db, v: Volume, dockerName: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const swapped = await tx.updateTable('volumes').set({ docker_name: dockerName }).where('id', '=', v.id).where('docker_name', '=', v.docker_name).executeTakeFirst();
    if (Number(swapped.numUpdatedRows) !== 1) throw new Conflict(`volume ${v.name} changed while it was restored; try again`);
    await tx.updateTable('service_instances').set({ changed_at: nowIso() }).where('service_id', '=', v.service_id).where('environment_id', '=', v.environment_id).execute();
  });
}

/** A volume by id with its project's, service's and environment's names; undefined once removed. */
export const volumeWithNames = (db: Db, volumeId: number) =>
  db
    .selectFrom('volumes as v')
    .innerJoin('services as s', 's.id', 'v.service_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .innerJoin('environments as e', 'e.id', 'v.environment_id')
    .selectAll('v')
    .select(['p.name as project', 's.name as service', 'e.name as environment'])
    .where('v.id', '=', volumeId)
    .executeTakeFirst();
