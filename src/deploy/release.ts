// Runs a pre-deploy command once, before a rollout: a container from the new image on this
// server (docker/release-spec.ts), its output streamed into the deployment log. It must exit 0
// for the rollout to start; the previous version serves meanwhile and keeps serving if it fails.
import type { Readable } from 'node:stream';
import type { DockerClient } from '../docker/client.js';
import { LogLineDecoder } from '../docker/log-frames.js';
import { INSTALL_LABEL } from '../docker/names.js';
import { RELEASE_LABEL, type ReleaseInput, releaseContainerName, releaseContainerSpec } from '../docker/release-spec.js';

type Say = (line: string) => Promise<void>;

export async function runRelease(docker: DockerClient, input: ReleaseInput, opts: { say: Say; timeoutMs: number }): Promise<void> {
  const name = releaseContainerName(input);
  await docker.getContainer(name).remove({ force: true }).catch(() => {});
  const container = await docker.createContainer(releaseContainerSpec(input));
  const pending: Promise<void>[] = [];
  try {
    await container.start();
    const output = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    const decoder = new LogLineDecoder();
    const printed = new Promise<void>((resolve) => {
      output.on('data', (chunk: Buffer) => decoder.push(chunk).forEach((l) => pending.push(opts.say(`  ${l}`))));
      output.on('end', resolve).on('close', resolve).on('error', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.timeoutMs)));
    const result = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      await container.kill().catch(() => {});
      throw new Error(`the pre-deploy command ran longer than ${Math.round(opts.timeoutMs / 1000)} s and was stopped; the rollout did not start and the previous version keeps serving`);
    }
    await printed;
    decoder.end().forEach((l) => pending.push(opts.say(`  ${l}`)));
    await Promise.all(pending);
    const code = result.StatusCode;
    if (code !== 0) throw new Error(`the pre-deploy command exited with ${code}${code === 137 ? ' (killed: out of memory?)' : ''}; the rollout did not start and the previous version keeps serving`);
  } finally {
    await Promise.allSettled(pending);
    await container.remove({ force: true }).catch(() => {});
  }
}

/** Containers of pre-deploy commands a crash or restart cut off. */
export async function removeLeftReleases(docker: DockerClient, installId: string): Promise<number> {
  const left = await docker.listContainers({ all: true, filters: { label: [RELEASE_LABEL, `${INSTALL_LABEL}=${installId}`] } });
  for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
  return left.length;
}
