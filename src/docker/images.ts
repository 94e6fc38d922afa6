// Builds images with the local daemon from a prepared context.
import { BuildStepImages } from './build-steps.js';
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

export class BuildError extends Error {
  constructor(message: string, readonly steps: BuildStepImages) {
    super(message);
  }
}

/** Runs a build and resolves when the image is tagged, with the images its steps made and reused;
 *  rejects with Docker's error message. */
export async function buildImage(docker: DockerClient, req: BuildRequest): Promise<BuildStepImages> {
  const stream = await docker.buildImage(
    { context: req.contextDir, src: req.entries },
    { t: req.tag, dockerfile: req.dockerfile, labels: req.labels, rm: true, forcerm: true, abortSignal: req.signal, ...(req.limits ? limitOptions(req.limits) : {}), ...(req.buildArgs && Object.keys(req.buildArgs).length ? { buildargs: req.buildArgs } : {}) } as object,
  );
  const steps = new BuildStepImages();
  let partial = '';
  const emit = (line: string) => {
    steps.read(line);
    req.onLine(line);
  };
  const emitText = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) emit(l.replace(/\r$/, ''));
  };
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: { error?: string }[]) => {
        if (partial) emit(partial);
        const failed = events?.find((e) => e.error);
        if (err) reject(new BuildError(err.message, steps));
        else if (failed) reject(new BuildError(failed.error!.trim(), steps));
        else resolve();
      },
      (event: { stream?: string; status?: string; error?: string }) => {
        if (event.stream) emitText(event.stream);
        else if (event.status) emitText(event.status + '\n');
        else if (event.error) emitText(`ERROR: ${event.error}\n`);
      },
    );
  });
  return steps;
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

/** After a failed build: the images its finished steps made (never older than the build), with
 *  the untagged chain below them that nothing else uses. An image with a child or a container is
 *  left: another build may be using it. Answers how many were removed. */
export async function removeStepImages(docker: DockerClient, imageIds: string[], sinceMs: number): Promise<number> {
  let removed = 0;
  for (const id of [...imageIds].reverse()) {
    const created = await docker.getImage(id).inspect().then((i) => Date.parse(i.Created), () => 0);
    if (created < sinceMs - 1000) continue;
    await docker.getImage(id).remove({ noprune: false }).then(() => removed++, () => {});
  }
  return removed;
}

export interface ImageNode {
  /** `sha256:<hex>`, as Docker lists it. */
  id: string;
  parentId: string;
  tagged: boolean;
  /** The image's whole size, its parents' layers included. */
  size: number;
}

/** Every image on the daemon, intermediate ones included, as the cache budget reads them. */
export async function listImageNodes(docker: DockerClient): Promise<ImageNode[]> {
  const images = await docker.listImages({ all: true });
  return images.map((i) => ({ id: i.Id, parentId: i.ParentId ?? '', tagged: (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'), size: i.Size }));
}

/** Removes a cache image and the untagged chain below it nothing else uses; false when Docker
 *  refuses (a child or a container appeared since it was listed). */
export async function removeCacheImage(docker: DockerClient, imageId: string): Promise<boolean> {
  return docker.getImage(imageId).remove({ noprune: false }).then(() => true, () => false);
}

/** Prunes BuildKit's cache (builds run by hand with `docker build` on the server) down to
 *  `keepBytes`, least recently used first; returns the bytes reclaimed. The parameter's name
 *  changed in Engine API 1.48; both are sent, and a daemon ignores the one it does not know. */
export async function pruneBuildKitCache(docker: DockerClient, keepBytes: number): Promise<number> {
  // dockerode's pruneBuilder sends no query parameters.
  const result = await new Promise<{ SpaceReclaimed?: number } | undefined>((resolve, reject) =>
    docker.modem.dial(
      { path: '/build/prune?', method: 'POST', options: { 'keep-storage': keepBytes, 'reserved-space': keepBytes, 'max-used-space': keepBytes, all: true }, statusCodes: { 200: true, 500: 'server error' } },
      (err: Error | null, data: unknown) => (err ? reject(err) : resolve(data as { SpaceReclaimed?: number })),
    ),
  );
  return result?.SpaceReclaimed ?? 0;
}
