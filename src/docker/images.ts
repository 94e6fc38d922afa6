// The images on a daemon: present, pulled, inspected, and removed when Spur owns them.
import { type DockerClient, isNotFound } from './client.js';

export async function imageExists(docker: DockerClient, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Pulls the image unless this daemon has it; throws when the pull fails (a failed pull says so in
 *  its progress events, not in the HTTP status). */
export async function ensureImagePresent(docker: DockerClient, ref: string): Promise<void> {
  if (!(await imageExists(docker, ref))) await pullImage(docker, ref);
}

/** The image's own HEALTHCHECK, or null when it has none. An image not here yet is pulled first
 *  (Swarm would pull it anyway); one that cannot be pulled counts as having none, and the rollout
 *  then reports the pull error. */
export async function imageHealthcheck(docker: DockerClient, ref: string): Promise<{ Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number } | null> {
  const inspect = async () => (await docker.getImage(ref).inspect()).Config?.Healthcheck ?? null;
  try {
    return await inspect();
  } catch {
    try {
      await pullImage(docker, ref);
      return await inspect();
    } catch {
      return null;
    }
  }
}

/** Pulls a public image (no credentials: what a build or a service without a registry gets); an
 *  error the daemon reports in the progress stream fails it too. */
export async function pullImage(docker: DockerClient, ref: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    docker.pull(ref, (err: Error | null, stream: NodeJS.ReadableStream) => {
      if (err) return reject(err);
      docker.modem.followProgress(stream, (e: Error | null, events: { error?: string }[]) => {
        const failed = events?.find((ev) => ev.error);
        if (e) reject(e);
        else if (failed) reject(new Error(failed.error));
        else resolve();
      });
    }),
  );
}

export interface LocalImage {
  id: string;
  labels: Record<string, string>;
  /** The ONBUILD triggers a build on this image runs. */
  onBuild: string[];
}

/** The image the daemon resolves a reference to (a tag, a digest or an id prefix, as a build or a
 *  service would), or undefined when it has none. Any other error propagates: a check built on
 *  this must not pass because the daemon did not answer. */
export async function findLocalImage(docker: DockerClient, ref: string): Promise<LocalImage | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, labels: info.Config?.Labels ?? {}, onBuild: info.Config?.OnBuild ?? [] };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Removes an image Spur built (it carries spur.managed); false when absent or not Spur's. */
export async function removeOwnedImage(docker: DockerClient, tag: string): Promise<boolean> {
  try {
    const info = await docker.getImage(tag).inspect();
    if (info.Config?.Labels?.['spur.managed'] !== 'true') return false;
    await docker.getImage(tag).remove({ noprune: false });
    return true;
  } catch {
    return false;
  }
}
