// A service instance's named volumes: added, listed, taken off (their data stays in Docker).
import { randomBytes } from 'node:crypto';
import type { Volume } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { serviceVolumeName } from '../docker/service-spec.js';
import { NotFound } from '../errors.js';
import type { InstanceContext } from '../store/services.js';
import { type AllowedInstance, requireTo } from './access.js';
import { addVolume as storeAddVolume, listVolumes, removeVolumeRecord } from '../store/volumes.js';
import * as validate from '../validate.js';
import { type Body, instanceKey, instanceObject } from './common.js';
import { audit } from './record.js';

/** `dockerVolume`: where the data is in Docker, and stays once the volume is removed. */
export const toVolumeView = (v: Volume) => ({ name: v.name, mountPath: v.mount_path, dockerVolume: v.docker_name, createdAt: v.created_at });

export const volumesOf = async (deps: Deps, ctx: InstanceContext) => (await listVolumes(deps.db, instanceKey(ctx))).map(toVolumeView);

/** Adds a named volume at a mount path; the next deploy mounts it (and updates stop-first). Its
 *  Docker volume is a new one, never one a deleted service of the same names left behind. */
export async function addVolume(deps: Deps, ctx: AllowedInstance, body: Body) {
  await requireTo(deps, ctx.acting, 'volumes.change', { object: instanceObject(ctx) });
  const v = validate.fields({ name: () => validate.resourceName('volume', body.name), mountPath: () => validate.mountPath(body.mountPath ?? body.path) });
  const dockerName = serviceVolumeName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }, v.name, randomBytes(6).toString('hex'));
  const volume = await storeAddVolume(deps.db, instanceKey(ctx), { ...v, dockerName });
  await audit(deps, ctx.acting, 'volumes.add', instanceObject(ctx), { after: { name: volume.name, mountPath: volume.mount_path } });
  return toVolumeView(volume);
}

/** Takes a volume off the service from the next deploy; its data stays in its Docker volume,
 *  whose name this answers. */
export async function removeVolume(deps: Deps, ctx: AllowedInstance, nameParam: string): Promise<string> {
  await requireTo(deps, ctx.acting, 'volumes.change', { object: instanceObject(ctx) });
  const name = validate.resourceName('volume', nameParam);
  const before = (await listVolumes(deps.db, instanceKey(ctx))).find((v) => v.name === name);
  const dockerVolume = await removeVolumeRecord(deps.db, instanceKey(ctx), name);
  if (!dockerVolume) throw new NotFound(`${ctx.service.name} has no volume ${name} in ${ctx.environment.name}`);
  await audit(deps, ctx.acting, 'volumes.remove', instanceObject(ctx), { before: before && { name, mountPath: before.mount_path, dockerVolume } });
  return dockerVolume;
}
