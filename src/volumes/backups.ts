// Backs a service's named volume up: its running containers are paused (frozen, so no file
// changes while it is read), its files streamed as a tar through gzip to a file under the data dir,
// hashed on the way, and the containers resumed. A restore fills a new Docker volume from the
// file (its SHA-256 checked first); the caller points the volume at it.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Db } from '../db/open.js';
import type { Volume, VolumeBackup } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import { ownershipLabels, swarmServiceName } from '../docker/names.js';
import { findService } from '../docker/swarm.js';
import { pinnedNodeId } from '../nodes/placement.js';
import type { Log } from '../log.js';
import { serviceVolumeName } from '../docker/service-spec.js';
import { fillNewVolume, pauseWriters, readVolume, thisNodeId, volumeExists } from '../docker/volume-archive.js';
import { Conflict, oneLine } from '../errors.js';
import { backupFileOf } from '../databases/backups.js';
import { finishVolumeBackup, startVolumeBackup } from '../store/volume-backups.js';
import { digestingStream } from '../storage/digest-stream.js';

export interface VolumeBackupDeps {
  db: Db;
  docker: DockerClient;
  key: Buffer;
  dataDir: string;
  installId: string;
  log: Log;
}

/** A read that takes longer is stopped (and the containers resumed). */
export const VOLUME_READ_TIMEOUT_MS = 30 * 60_000;

/** Volumes are read and filled on this server: a service kept on another one (where its volume
 *  is) is refused rather than read as empty here. */
async function requireOnThisServer(docker: DockerClient, t: Omit<VolumeTarget, 'image'>): Promise<void> {
  const service = await findService(docker, swarmServiceName(t));
  const pinned = pinnedNodeId(service?.Spec.TaskTemplate.Placement?.Constraints);
  if (pinned && pinned !== (await thisNodeId(docker))) throw new Conflict(`${t.service} runs on another server, which holds its volume ${t.volume.name}; volume backups read volumes on this server only`);
}

/** A volume with the names it is known by, and an image the node has to read it with. */
export interface VolumeTarget {
  project: string;
  service: string;
  environment: string;
  volume: Volume;
  /** The serving image; null when the service never ran (its volume does not exist yet). */
  image: string | null;
}

/** <data dir>/backups/volumes/<project>/<environment>/<service>/<volume>/. */
export const volumeBackupDir = (dataDir: string, t: Omit<VolumeTarget, 'image'>) => join(dataDir, 'backups', 'volumes', t.project, t.environment, t.service, t.volume.name);

/** The object key of a backup's copy in S3-compatible storage. */
export const volumeRemoteKey = (t: Omit<VolumeTarget, 'image'>, file: string) => `volumes/${t.project}/${t.environment}/${t.service}/${t.volume.name}/${file.split('/').at(-1)}`;

/** Takes a backup now; the record says how it went. */
export async function backUpVolume(deps: VolumeBackupDeps, t: VolumeTarget, trigger: 'schedule' | 'manual'): Promise<VolumeBackup> {
  await requireOnThisServer(deps.docker, t);
  const record = await startVolumeBackup(deps.db, t.volume, trigger);
  const file = join(volumeBackupDir(deps.dataDir, t), `${record.created_at.replace(/[:.]/g, '-')}-${record.id}.tar.gz`);
  const partial = `${file}.part`;
  try {
    if (!t.image || !(await volumeExists(deps.docker, t.volume.docker_name))) throw new Error(`volume ${t.volume.name} holds nothing yet: it is made when the service first runs with it`);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const counted = digestingStream();
    const writers = await pauseWriters(deps.docker, t.volume.docker_name, (id, err) => deps.log.error('a container paused for a volume backup could not be resumed', { container: id, error: String(err) }));
    try {
      const signal = AbortSignal.timeout(VOLUME_READ_TIMEOUT_MS);
      await readVolume(deps.docker, { volume: t.volume.docker_name, image: t.image, installId: deps.installId }, (tar) => pipeline(tar, createGzip(), counted.stream, createWriteStream(partial, { mode: 0o600 }), { signal }));
    } finally {
      await writers.resume();
    }
    await rename(partial, file);
    return await finishVolumeBackup(deps.db, record.id, { file, ...counted.digest() });
  } catch (err) {
    await rm(partial, { force: true });
    return finishVolumeBackup(deps.db, record.id, { error: oneLine((err as Error).message) });
  }
}

/** Fills a new Docker volume from the backup (checked against its SHA-256, fetched from S3 when
 *  the local file is gone) and answers its name; the volume it came from is not touched. */
export async function restoreToNewVolume(deps: Pick<VolumeBackupDeps, 'db' | 'docker' | 'key' | 'installId'>, t: VolumeTarget & { image: string }, b: VolumeBackup, intoName: string): Promise<string> {
  await requireOnThisServer(deps.docker, t);
  const file = await backupFileOf(deps, b);
  const dockerName = serviceVolumeName({ project: t.project, service: t.service, environment: t.environment }, intoName, randomBytes(6).toString('hex'));
  const tar = createReadStream(file).pipe(createGunzip());
  await fillNewVolume(deps.docker, { volume: dockerName, image: t.image, labels: ownershipLabels({ project: t.project, service: t.service, environment: t.environment }), installId: deps.installId }, tar);
  return dockerName;
}
