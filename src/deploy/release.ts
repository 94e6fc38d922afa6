// Runs a pre-deploy command once, before a rollout: a container from the new image on this
// server (docker/one-off-spec.ts), its output streamed into the deployment log. It must exit 0
// for the rollout to start; the previous version serves meanwhile and keeps serving if it fails.
import type { DockerClient } from '../docker/client.js';
import { runOneOff } from '../docker/one-off.js';
import { type ReleaseInput, releaseContainerSpec } from '../docker/one-off-spec.js';

type Say = (line: string) => Promise<void>;

export async function runRelease(docker: DockerClient, input: ReleaseInput, opts: { say: Say; timeoutMs: number }): Promise<void> {
  const end = await runOneOff(docker, releaseContainerSpec(input), { onLine: (_, line) => opts.say(`  ${line}`), timeoutMs: opts.timeoutMs });
  if ('stopped' in end) throw new Error(`the pre-deploy command ran longer than ${Math.round(opts.timeoutMs / 1000)} s and was stopped; the rollout did not start and the previous version keeps serving`);
  if (end.code !== 0) throw new Error(`the pre-deploy command exited with ${end.code}${end.code === 137 ? ' (killed: out of memory?)' : ''}; the rollout did not start and the previous version keeps serving`);
}
