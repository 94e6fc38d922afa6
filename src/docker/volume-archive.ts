// A named volume's files as a tar stream, and back: through a helper container of an image the
// node has (the service's own), made with the volume mounted and never started; Docker's archive
// endpoints read and write its files. While a volume is read, the running containers that mount
// it are paused (their processes frozen, nothing written), and resumed however the read ends.
import type { Readable } from 'node:stream';
import { type DockerClient, isNotFound } from './client.js';
import { INSTALL_LABEL, MANAGED_LABEL } from './names.js';

/** Where the helper mounts the volume; the tar's entries begin with this name. */
const MOUNT = '/volume';

export const volumeExists = async (docker: DockerClient, name: string) =>
  docker
    .getVolume(name)
    .inspect()
    .then(() => true, (err) => (isNotFound(err) ? false : Promise.reject(err)));

const HELPER_LABEL = 'spur.volume-helper';

async function withHelper<T>(docker: DockerClient, input: { volume: string; image: string; readOnly: boolean; installId: string }, use: (c: ReturnType<DockerClient['getContainer']>) => Promise<T>): Promise<T> {
  const helper = await docker.createContainer({
    Image: input.image,
    // Never started: only its mounts are used.
    Entrypoint: ['/spur-volume-helper-never-runs'],
    Cmd: [],
    Labels: { [MANAGED_LABEL]: 'true', [HELPER_LABEL]: input.volume, [INSTALL_LABEL]: input.installId },
    NetworkDisabled: true,
    HostConfig: { Mounts: [{ Type: 'volume', Source: input.volume, Target: MOUNT, ReadOnly: input.readOnly }] },
  });
  try {
    return await use(helper);
  } finally {
    // Anonymous volumes the image declares go with it; the named one is never removed here.
    await helper.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** Pauses the running containers that mount the volume; the answer resumes them (a container
 *  that cannot be resumed is handed to `failed`). */
export async function pauseWriters(docker: DockerClient, volume: string, failed: (id: string, err: unknown) => void): Promise<{ paused: number; resume: () => Promise<void> }> {
  const running = await docker.listContainers({ filters: { volume: [volume], status: ['running'] } });
  const paused: string[] = [];
  const resume = async () => {
    for (const id of paused) await docker.getContainer(id).unpause().catch((err) => (isNotFound(err) ? undefined : failed(id, err)));
  };
  try {
    for (const c of running) {
      await docker.getContainer(c.Id).pause();
      paused.push(c.Id);
    }
  } catch (err) {
    await resume();
    throw err;
  }
  return { paused: paused.length, resume };
}

/** After a crash: the containers Spur left paused are resumed (Spur pauses nothing else, and
 *  only while it reads a volume) and the helpers it left are removed. */
export async function recoverFromInterruptedReads(docker: DockerClient, installId: string): Promise<{ resumed: number; helpers: number }> {
  let resumed = 0;
  const paused = await docker.listContainers({ filters: { status: ['paused'], label: [`${MANAGED_LABEL}=true`] } });
  for (const c of paused) {
    // Only the tasks of this installation's services (another Spur on the daemon may be reading).
    const serviceId = c.Labels?.['com.docker.swarm.service.id'];
    const service = serviceId ? await docker.getService(serviceId).inspect().catch(() => undefined) : undefined;
    if (service?.Spec?.Labels?.[INSTALL_LABEL] !== installId) continue;
    await docker.getContainer(c.Id).unpause().catch(() => undefined);
    resumed++;
  }
  const helpers = await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}`, `${INSTALL_LABEL}=${installId}`] } });
  for (const c of helpers) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  return { resumed, helpers: helpers.length };
}

/** The Swarm node this daemon is (volumes are read on it). */
export const thisNodeId = async (docker: DockerClient) => (await docker.info()).Swarm?.NodeID as string | undefined;

/** Streams the volume's files as a tar into `consume`, which must read it to its end. */
export async function readVolume<T>(docker: DockerClient, input: { volume: string; image: string; installId: string }, consume: (tar: Readable) => Promise<T>): Promise<T> {
  return withHelper(docker, { ...input, readOnly: true }, async (helper) => consume((await helper.getArchive({ path: MOUNT })) as unknown as Readable));
}

/** Creates the volume (with its owner's labels) and fills it from a tar `readVolume` made. */
export async function fillNewVolume(docker: DockerClient, input: { volume: string; image: string; labels: Record<string, string>; installId: string }, tar: Readable): Promise<void> {
  await docker.createVolume({ Name: input.volume, Labels: input.labels });
  try {
    await withHelper(docker, { volume: input.volume, image: input.image, readOnly: false, installId: input.installId }, (helper) => helper.putArchive(tar as unknown as NodeJS.ReadableStream, { path: '/' }) as Promise<unknown>);
  } catch (err) {
    await docker.getVolume(input.volume).remove().catch(() => undefined);
    throw err;
  }
}
