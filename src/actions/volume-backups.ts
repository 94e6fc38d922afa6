// Backups of a service's named volumes: taken now or on the volume's schedule, kept as its
// retention says, restored into the same volume (a new Docker volume filled from the backup
// replaces it, and the service is redeployed to mount it; the old Docker volume stays) or into a
// new volume of the service.
import type { VolumeBackup } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { removeOwnedVolumes } from '../docker/teardown.js';
import { findActiveDeployment } from '../store/deployments.js';
import { addVolume } from '../store/volumes.js';
import { findVolumeBackup, listVolumeBackups, setVolumeBackupPolicy, swapDockerVolume } from '../store/volume-backups.js';
import { listVolumes } from '../store/volumes.js';
import * as validate from '../validate.js';
import { restoreToNewVolume } from '../volumes/backups.js';
import { type AllowedInstance, requireTo } from './access.js';
import { type Body, instanceKey, instanceObject, requireDaemon } from './common.js';
import { backupScheduleOf } from './databases.js';
import { audit } from './record.js';


export const toVolumeBackupView = (b: VolumeBackup) => ({
  id: b.id,
  volume: b.volume_name,
  status: b.status,
  size: b.size,
  sha256: b.sha256,
  error: b.error,
  trigger: b.trigger,
  createdAt: b.created_at,
  finishedAt: b.finished_at,
  /** Its copy in S3-compatible storage (null: none is configured). */
  remote: b.remote_status ? { status: b.remote_status, key: b.remote_key, error: b.remote_error } : null,
});

export type VolumeBackupView = ReturnType<typeof toVolumeBackupView>;

async function volumeOf(deps: Deps, ctx: AllowedInstance, nameParam: string) {
  const name = validate.resourceName('volume', nameParam);
  const volume = (await listVolumes(deps.db, instanceKey(ctx))).find((v) => v.name === name);
  if (!volume) throw new NotFound(`${ctx.service.name} has no volume ${name} in ${ctx.environment.name}`);
  return volume;
}

const targetOf = async (deps: Deps, ctx: AllowedInstance, nameParam: string) => {
  const volume = await volumeOf(deps, ctx, nameParam);
  const target = await deps.volumeBackups.target(volume.id);
  if (!target) throw new NotFound(`${ctx.service.name} has no volume ${volume.name} in ${ctx.environment.name}`);
  return target;
};

/** The volume's backups, newest first, with its schedule and retention. */
export async function volumeBackupsOf(deps: Deps, ctx: AllowedInstance, nameParam: string) {
  const volume = await volumeOf(deps, ctx, nameParam);
  return { volume: volume.name, schedule: volume.backup_schedule, keep: volume.backup_keep, nextRun: deps.volumeBackups.nextRun(volume.id)?.toISOString() ?? null, backups: (await listVolumeBackups(deps.db, volume)).map(toVolumeBackupView) };
}

export async function backUpVolumeNow(deps: Deps, ctx: AllowedInstance, nameParam: string): Promise<VolumeBackupView> {
  await requireTo(deps, ctx.acting, 'volumes.change', { object: instanceObject(ctx) });
  requireDaemon(deps);
  const target = await targetOf(deps, ctx, nameParam);
  const backup = await deps.volumeBackups.backUpNow(target, 'manual');
  await audit(deps, ctx.acting, 'volumes.backup', instanceObject(ctx), { after: { volume: target.volume.name, backup: backup.id, status: backup.status, ...(backup.error ? { error: backup.error } : {}) } });
  return toVolumeBackupView(backup);
}

/** Sets the volume's backup schedule (a cron expression in UTC, or none) and how many it keeps;
 *  fewer kept prunes the oldest at once. */
export async function changeVolumeBackups(deps: Deps, ctx: AllowedInstance, nameParam: string, body: Body) {
  await requireTo(deps, ctx.acting, 'volumes.change', { object: instanceObject(ctx) });
  const volume = await volumeOf(deps, ctx, nameParam);
  const v = validate.fields({
    schedule: () => validate.optional(body.schedule, backupScheduleOf),
    keep: () => validate.optional(body.keep, (k) => validate.integer('backups kept', k, 1, 1000)),
  });
  if (v.schedule === undefined && v.keep === undefined) throw new InvalidInput('schedule', 'give a schedule (a cron expression, or none) or how many backups to keep');
  const changed = await setVolumeBackupPolicy(deps.db, volume.id, { ...(v.schedule !== undefined ? { backup_schedule: v.schedule } : {}), ...(v.keep !== undefined ? { backup_keep: v.keep } : {}) });
  await deps.volumeBackups.refreshSchedules();
  if (v.keep !== undefined && v.keep < volume.backup_keep) await deps.volumeBackups.prune({ volume: changed });
  await audit(deps, ctx.acting, 'volumes.change', instanceObject(ctx), { before: { volume: volume.name, backupSchedule: volume.backup_schedule, backupKeep: volume.backup_keep }, after: { volume: volume.name, backupSchedule: changed.backup_schedule, backupKeep: changed.backup_keep } });
  return volumeBackupsOf(deps, ctx, volume.name);
}

/** Restores backup `backup` of the volume: into the volume itself (a new Docker volume filled from
 *  it takes the old one's place, and the serving version is deployed again to mount it), or with
 *  `into` and `mountPath` into a new volume of the service, mounted from the next deploy. */
export async function restoreVolume(deps: Deps, ctx: AllowedInstance, nameParam: string, body: Body) {
  await requireTo(deps, ctx.acting, 'volumes.restore', { object: instanceObject(ctx) });
  const target = await targetOf(deps, ctx, nameParam);
  const fields = validate.fields({
    backup: () => validate.integer('backup', body.backup, 1, Number.MAX_SAFE_INTEGER),
    into: () => validate.optional(body.into, (v) => validate.resourceName('volume', v)),
    mountPath: () => validate.optional(body.mountPath, validate.mountPath),
  });
  if ((fields.into === undefined) !== (fields.mountPath === undefined)) throw new InvalidInput('into', 'a new volume needs both its name (into) and its mount path (mountPath)');
  const backup = await findVolumeBackup(deps.db, target.volume, fields.backup);
  if (!backup) throw new NotFound(`volume ${target.volume.name} has no backup ${fields.backup}`);
  requireDaemon(deps);
  if (!target.image) throw new InvalidInput('volume', `${ctx.service.name} does not run in ${ctx.environment.name}; deploy it, then restore`);
  const image = target.image;
  if (fields.into !== undefined) {
    // Refused before anything is filled: a name or mount path the service has already.
    const taken = (await listVolumes(deps.db, instanceKey(ctx))).find((v) => v.name === fields.into || v.mount_path === fields.mountPath);
    if (taken) throw new Conflict(`the service already has a volume named ${taken.name} or one mounted at ${taken.mount_path}`);
    const dockerName = await restoreToNewVolume(deps, { ...target, image }, backup, fields.into);
    const added = await addVolume(deps.db, instanceKey(ctx), { name: fields.into, mountPath: fields.mountPath!, dockerName }).catch(async (err) => {
      await removeOwnedVolumes(deps.docker, [dockerName]).catch(() => undefined);
      throw err;
    });
    await audit(deps, ctx.acting, 'volumes.restore', instanceObject(ctx), { after: { volume: target.volume.name, backup: backup.id, into: added.name, mountPath: added.mount_path } });
    return { restored: backup.id, into: added.name, dockerVolume: dockerName, deployment: null, previousDockerVolume: null };
  }
  const dockerName = await restoreToNewVolume(deps, { ...target, image }, backup, target.volume.name);
  await swapDockerVolume(deps.db, target.volume, dockerName).catch(async (err) => {
    await removeOwnedVolumes(deps.docker, [dockerName]).catch(() => undefined);
    throw err;
  });
  // Recorded before the redeploy: the files the volume had are in the old Docker volume.
  await audit(deps, ctx.acting, 'volumes.restore', instanceObject(ctx), { after: { volume: target.volume.name, backup: backup.id, dockerVolume: dockerName, previousDockerVolume: target.volume.docker_name } });
  const deployment = (await findActiveDeployment(deps.db, instanceKey(ctx))) ? await deps.deployer.redeploy(instanceKey(ctx), { trigger: `restore:${target.volume.name}#${backup.id}`, requestedBy: ctx.acting.id }) : null;
  return { restored: backup.id, into: target.volume.name, dockerVolume: dockerName, deployment: deployment?.id ?? null, previousDockerVolume: target.volume.docker_name };
}
