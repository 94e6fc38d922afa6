// Runs a one-off container (docker/one-off-spec.ts) to its end: its output line by line as it
// comes, stdout and stderr apart, then its exit code. Stopped at its deadline or when the caller
// gives up (a closed connection); never left behind.
import type { Readable } from 'node:stream';
import type { DockerClient } from './client.js';
import { type OutputStream, StreamLineDecoder } from './log-frames.js';
import { INSTALL_LABEL } from './names.js';
import { ONE_OFF_LABEL, RELEASE_LABEL } from './one-off-spec.js';

export type OneOffEnd = { code: number } | { stopped: 'timeout' | 'cancelled' };

type Spec = Parameters<DockerClient['createContainer']>[0] & { name: string };

export async function runOneOff(docker: DockerClient, spec: Spec, opts: { onLine: (stream: OutputStream, line: string) => void | Promise<void>; timeoutMs: number; signal?: AbortSignal }): Promise<OneOffEnd> {
  await docker.getContainer(spec.name).remove({ force: true }).catch(() => {});
  const container = await docker.createContainer(spec);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  // Lines are handed on one at a time, Docker's output paused meanwhile: a slow reader (a `spur
  // run` client) holds the container's output back rather than Spur's memory filling up.
  let handing: Promise<void> = Promise.resolve();
  try {
    await container.start();
    const output = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    const decoder = new StreamLineDecoder();
    const hand = (lines: { stream: OutputStream; line: string }[]) =>
      (handing = handing
        .then(async () => {
          for (const l of lines) await opts.onLine(l.stream, l.line);
        })
        .catch(() => {}));
    const printed = new Promise<void>((resolve) => {
      output.on('data', (chunk: Buffer) => {
        const lines = decoder.push(chunk);
        if (lines.length === 0) return;
        output.pause();
        void hand(lines).finally(() => output.resume());
      });
      output.on('end', resolve).on('close', resolve).on('error', () => resolve());
    });
    const stopped = new Promise<'timeout' | 'cancelled'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
      onAbort = () => resolve('cancelled');
      if (opts.signal?.aborted) resolve('cancelled');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const result = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, stopped]);
    if (typeof result === 'string') {
      await container.kill().catch(() => {});
      output.destroy();
      return { stopped: result };
    }
    await printed;
    await hand(decoder.end());
    return { code: result.StatusCode };
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    // A reader that stopped reading does not keep the container: it goes after a few seconds.
    await Promise.race([handing, new Promise((r) => setTimeout(r, 5000).unref())]);
    await removeContainer(container);
  }
}

/** Docker may refuse to remove a container it is still finishing ("removal already in
 *  progress", a kill in flight): asked again a few times, then left to the next start. */
async function removeContainer(container: ReturnType<DockerClient['getContainer']>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await container.remove({ force: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404 || attempt >= 10) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** One-off containers a crash or restart cut off (pre-deploy commands, runs, jobs' runs). */
export async function removeLeftOneOffs(docker: DockerClient, installId: string): Promise<number> {
  const left = (await docker.listContainers({ all: true, filters: { label: [`${INSTALL_LABEL}=${installId}`] } })).filter((c) => c.Labels?.[RELEASE_LABEL] !== undefined || c.Labels?.[ONE_OFF_LABEL] !== undefined);
  for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
  return left.length;
}
