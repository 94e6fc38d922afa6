// Builds images with the local daemon from a prepared context.
import type { DockerClient } from './client.js';

export interface BuildRequest {
  contextDir: string;
  /** Top-level entries of the context; dockerode applies .dockerignore to them. */
  entries: string[];
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
  /** Caps on each step's container: memory (swap included, so none), and CPUs. */
  limits?: { memoryMb: number; cpus: number };
  /** Values for the Dockerfile's ARGs. */
  buildArgs?: Record<string, string>;
  onLine: (line: string) => void;
  signal?: AbortSignal;
}

export class BuildError extends Error {}

/** Runs a build and resolves when the image is tagged; rejects with Docker's error message. */
export async function buildImage(docker: DockerClient, req: BuildRequest): Promise<void> {
  const stream = await docker.buildImage(
    { context: req.contextDir, src: req.entries },
    { t: req.tag, dockerfile: req.dockerfile, labels: req.labels, rm: true, forcerm: true, abortSignal: req.signal, ...(req.limits ? limitOptions(req.limits) : {}), ...(req.buildArgs && Object.keys(req.buildArgs).length ? { buildargs: req.buildArgs } : {}) } as object,
  );
  let partial = '';
  const emitText = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) req.onLine(l.replace(/\r$/, ''));
  };
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: { error?: string }[]) => {
        if (partial) req.onLine(partial);
        const failed = events?.find((e) => e.error);
        if (err) reject(new BuildError(err.message));
        else if (failed) reject(new BuildError(failed.error!.trim()));
        else resolve();
      },
      (event: { stream?: string; status?: string; error?: string }) => {
        if (event.stream) emitText(event.stream);
        else if (event.status) emitText(event.status + '\n');
        else if (event.error) emitText(`ERROR: ${event.error}\n`);
      },
    );
  });
}

const CPU_PERIOD = 100_000;

function limitOptions(limits: { memoryMb: number; cpus: number }) {
  const memory = limits.memoryMb * 1024 * 1024;
  return { memory, memswap: memory, cpuperiod: CPU_PERIOD, cpuquota: Math.round(limits.cpus * CPU_PERIOD) };
}

export async function imageExists(docker: DockerClient, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
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
      await new Promise<void>((resolve, reject) =>
        docker.pull(ref, (err: Error | null, stream: NodeJS.ReadableStream) => (err ? reject(err) : docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())))),
      );
      return await inspect();
    } catch {
      return null;
    }
  }
}

/** The labels of the local image a reference resolves to, or null when there is none. */
export async function localImageLabels(docker: DockerClient, ref: string): Promise<Record<string, string> | null> {
  try {
    const info = await docker.getImage(ref).inspect();
    return info.Config?.Labels ?? {};
  } catch {
    return null;
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

/** After a failed build: the untagged images its completed steps left (created since it began),
 *  with the chain below them that nothing else uses. Only childless images without containers go:
 *  another build's step in use is never touched. Answers how many were removed. */
export async function removeFailedBuildImages(docker: DockerClient, sinceMs: number): Promise<number> {
  const dangling = await docker.listImages({ all: true, filters: { dangling: ['true'] } });
  let removed = 0;
  for (const image of dangling.filter((i) => i.Created * 1000 >= sinceMs - 1000)) {
    await docker.getImage(image.Id).remove({ noprune: false }).then(() => removed++, () => {});
  }
  return removed;
}

/** Clears the builder cache; returns the bytes reclaimed. */
export async function pruneBuildCache(docker: DockerClient): Promise<number> {
  const result = (await docker.pruneBuilder()) as { SpaceReclaimed?: number };
  return result?.SpaceReclaimed ?? 0;
}
