// A service's named volumes in one environment: a name and where it is mounted, each unique there.
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { Volume } from '../db/schema.js';
import { Conflict } from '../errors.js';
import type { InstanceKey } from './domains.js';
import { nowIso } from './time.js';

export function listVolumes(db: Db, instance: InstanceKey): Promise<Volume[]> {
  return db.selectFrom('volumes').selectAll().where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).orderBy('name').execute();
}

/** Records a volume; `dockerName` is the Docker volume made for it (docker/service-spec.ts
 *  serviceVolumeName), unique to this volume for good. */
export async function addVolume(db: Db, instance: InstanceKey, volume: { name: string; mountPath: string; dockerName: string }): Promise<Volume> {
  try {
    return await db.transaction().execute((tx) => insertVolume(tx, instance, volume));
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`the service already has a volume named ${volume.name} or one mounted at ${volume.mountPath}`);
    throw err;
  }
}

/** Records a volume within a transaction the caller holds. */
export async function insertVolume(tx: Db, instance: InstanceKey, volume: { name: string; mountPath: string; dockerName: string }): Promise<Volume> {
  const added = await tx
    .insertInto('volumes')
    .values({ service_id: instance.serviceId, environment_id: instance.environmentId, name: volume.name, mount_path: volume.mountPath, docker_name: volume.dockerName, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
  // The next deploy mounts it: the instance has changes to deploy.
  await tx.updateTable('service_instances').set({ changed_at: nowIso() }).where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).execute();
  return added;
}

/** The Docker volumes a service's volumes are recorded with, in every environment. */
export async function listServiceVolumeNames(db: Db, serviceId: number): Promise<string[]> {
  return (await db.selectFrom('volumes').select('docker_name').where('service_id', '=', serviceId).orderBy('id').execute()).map((v) => v.docker_name);
}

/** Forgets a volume; answers the Docker volume that keeps its data, or undefined if there was none. */
export async function removeVolumeRecord(db: Db, instance: InstanceKey, name: string): Promise<string | undefined> {
  return db.transaction().execute(async (tx) => {
    const removed = await tx.deleteFrom('volumes').where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).where('name', '=', name).returning('docker_name').executeTakeFirst();
    await tx.updateTable('service_instances').set({ changed_at: nowIso() }).where('service_id', '=', instance.serviceId).where('environment_id', '=', instance.environmentId).execute();
    return removed?.docker_name;
  });
}
