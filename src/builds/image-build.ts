// Builds images with a daemon from a prepared context, and clears away what builds leave: the
// images of a failed build's steps, the build cache's images, BuildKit's cache.
import type { DockerClient } from '../docker/client.js';
import { secretValues } from '../variables/redact.js';
import { BuildStepImages } from './build-steps.js';

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
  buildArgs?: Readonly<Record<string, string>>;
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

/** Docker's reason, with the likely cause when a step was killed (137: SIGKILL, the memory cap's). */
export function buildFailure(message: string, limits: { memoryMb: number }): string {
  if (!/returned a non-zero code: 137\b/.test(message)) return message;
  return `a build step was killed, most likely for going over the build's memory cap of ${limits.memoryMb} MiB (raise it with --build-memory or SPUR_BUILD_MEMORY): ${message}`;
}

/** A secret passed to the build must not travel in the image: Docker records the build arguments
 *  a RUN line of the final stage uses in the image's history. Such an image is removed. */
export async function refuseRecordedSecrets(docker: DockerClient, tag: string, buildArgs: Readonly<Record<string, string>>): Promise<void> {
  const secrets = Object.entries(buildArgs).filter(([name, value]) => secretValues({ [name]: value }).length);
  if (!secrets.length) return;
  const history = (await docker.getImage(tag).history()) as { CreatedBy?: string }[];
  const recorded = secrets.filter(([, value]) => history.some((h) => h.CreatedBy?.includes(value))).map(([name]) => name);
  if (!recorded.length) return;
  await docker.getImage(tag).remove({ force: true }).catch(() => {});
  throw new Error(`the image's history records the value of ${recorded.join(', ')}: Docker writes the build arguments a RUN line uses into it. Use ${recorded.length > 1 ? 'them' : 'it'} only in an earlier stage of a multi-stage Dockerfile (the Dockerfiles Spur writes do), so that the image that runs does not carry ${recorded.length > 1 ? 'them' : 'it'}`);
}

export interface ImageNode {
  /** `sha256:<hex>`, as Docker lists it. */
  id: string;
  parentId: string;
  /** A name (tag or digest) holds it: Docker does not remove it as a leftover. */
  named: boolean;
  /** Seconds since the epoch, on the daemon's clock. */
  created: number;
  /** The image's whole size, its parents' layers included. */
  size: number;
}

const realNames = (names: string[] | undefined) => (names ?? []).filter((n) => n !== '<none>:<none>' && n !== '<none>@<none>');

/** Every image on the daemon, intermediate ones included. */
export async function listImageNodes(docker: DockerClient, signal?: AbortSignal): Promise<ImageNode[]> {
  const images = await docker.listImages({ all: true, abortSignal: signal });
  return images.map((i) => ({ id: i.Id, parentId: i.ParentId ?? '', named: realNames(i.RepoTags).length + realNames(i.RepoDigests).length > 0, created: i.Created, size: i.Size }));
}

/** The daemon's clock, in seconds: image creation times are on it, whichever server it is. */
export async function daemonSeconds(docker: DockerClient): Promise<number> {
  return Math.floor(Date.parse((await docker.info()).SystemTime as string) / 1000);
}

/** A failed build's step images go now, or, where a stopped step's container still holds them
 *  (the daemon removes it a moment later, longer on a busy server), once it is gone: the failure
 *  is not held back for that. */
export async function removeFailedBuildImages(docker: DockerClient, created: string[], sinceSeconds: number): Promise<void> {
  const { held } = await removeStepImages(docker, created, sinceSeconds, 5_000).catch(() => ({ held: [] }));
  if (held.length) void removeStepImages(docker, created, sinceSeconds, 180_000).catch(() => {});
}

/** After a failed build: the images its finished steps made, as its output named them. Each is
 *  checked with Docker first (a step's commands can print anything): only an unnamed image with a
 *  parent, made since the build began, goes; one with a child is left. One a container still
 *  uses (a stopped build's step container, which the daemon removes a moment after the build
 *  ends) is waited for until `containerWaitMs`, and answered in `held` if still in use then. */
export async function removeStepImages(docker: DockerClient, shortIds: string[], sinceSeconds: number, containerWaitMs: number): Promise<{ removed: number; held: string[] }> {
  const waitUntil = Date.now() + containerWaitMs;
  let removed = 0;
  const held: string[] = [];
  for (const shortId of [...shortIds].reverse()) {
    const image = await docker.getImage(shortId).inspect().catch(() => undefined);
    if (!image || !image.Id.startsWith(`sha256:${shortId}`) || !image.Parent || realNames(image.RepoTags).length + realNames(image.RepoDigests).length > 0) continue;
    if (Date.parse(image.Created) / 1000 < sinceSeconds - 1) continue;
    if (await removeCacheImage(docker, image.Id)) removed++;
    else if (!(await containersGone(docker, image.Id, waitUntil))) held.push(shortId);
    else if (await removeCacheImage(docker, image.Id)) removed++;
  }
  return { removed, held };
}

/** Waits until no container, running or stopped, was made from the image; false at the deadline. */
async function containersGone(docker: DockerClient, imageId: string, until: number): Promise<boolean> {
  for (;;) {
    const users = await docker.listContainers({ all: true, filters: { ancestor: [imageId] } }).catch(() => undefined);
    if (users?.length === 0) return true;
    if (!users || Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Removes one image by its full id, never its parents (the image store decides those
 *  differently: the containerd store would take shared ones too). False when Docker refuses (a
 *  child or a container uses it) or it is gone. */
export async function removeCacheImage(docker: DockerClient, imageId: string): Promise<boolean> {
  return docker.getImage(imageId).remove({ noprune: true }).then(() => true, () => false);
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
