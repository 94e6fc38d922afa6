// A named volume's files as a tar stream, and back: through a helper container of an image the
// node has (the service's own), made with the volume mounted and never started; Docker's archive
// endpoints read and write its files. While a volume is read, the running containers that mount
// it are paused (their processes frozen, nothing written), and resumed however the read ends.
import type { Readable } from 'node:stream';
import { type DockerClient, isNotFound } from './client.js';
import { MANAGED_LABEL } from './names.js';

/** Where the helper mounts the volume; the tar's entries begin with this name. */
const MOUNT = '/volume';

export const volumeExists = async (docker: DockerClient, name: string) =>
  docker
    .getVolume(name)
    .inspect()
    .then(() => true, (err) => (isNotFound(err) ? false : Promise.reject(err)));

async function withHelper<T>(docker: DockerClient, input: { volume: string; image: string; readOnly: boolean }, use: (c: ReturnType<DockerClient['getContainer']>) => Promise<T>): Promise<T> {
  const helper = await docker.createContainer({
    Image: input.image,
    // Never started: only its mounts are used.
    Entrypoint: ['/spur-volume-helper-never-runs'],
    Cmd: [],
    Labels: { [MANAGED_LABEL]: 'true', 'spur.volume-helper': input.volume },
    NetworkDisabled: true,
    HostConfig: { Mounts: [{ Type: 'volume', Source: input.volume, Target: MOUNT, ReadOnly: input.readOnly }] },
  });
  try {
    return await use(helper);
  } finally {
    await helper.remove({ force: true, v: false }).catch(() => undefined);
  }
}

/** Pauses the running containers that mount the volume; the answer resumes them. */
export async function pauseWriters(docker: DockerClient, volume: string): Promise<{ paused: number; resume: () => Promise<void> }> {
  const running = await docker.listContainers({ filters: { volume: [volume], status: ['running'] } });
  const paused: string[] = [];
  const resume = async () => {
    for (const id of paused) await docker.getContainer(id).unpause().catch(() => undefined);
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

/** Streams the volume's files as a tar into `consume`, which must read it to its end. */
export async function readVolume<T>(docker: DockerClient, input: { volume: string; image: string }, consume: (tar: Readable) => Promise<T>): Promise<T> {
  return withHelper(docker, { ...input, readOnly: true }, async (helper) => consume((await helper.getArchive({ path: MOUNT })) as unknown as Readable));
}

/** Creates the volume (with its owner's labels) and fills it from a tar `readVolume` made. */
export async function fillNewVolume(docker: DockerClient, input: { volume: string; image: string; labels: Record<string, string> }, tar: Readable): Promise<void> {
  await docker.createVolume({ Name: input.volume, Labels: input.labels });
  try {
    await withHelper(docker, { volume: input.volume, image: input.image, readOnly: false }, (helper) => helper.putArchive(tar as unknown as NodeJS.ReadableStream, { path: '/' }) as Promise<unknown>);
  } catch (err) {
    await docker.getVolume(input.volume).remove().catch(() => undefined);
    throw err;
  }
}
