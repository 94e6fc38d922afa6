// What a deploy would build, without building: the source fetched as a deploy fetches it, and
// either the repository's own Dockerfile or the one Spur would write (see builds/plan.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveBuildContext } from '../builds/context.js';
import type { BuildPlan } from '../builds/plan.js';
import { Conflict, SpurError, UpstreamFailed } from '../errors.js';
import { type InstanceContext, instanceBuildVariables } from '../store/services.js';
import { sourceKindOf } from '../sources/index.js';
import { buildImagesFor } from './build-step.js';
import { fetchSource } from './source.js';
import type { PipelineDeps } from './steps.js';

export interface BuildPreview {
  commit: { sha: string; message: string };
  /** Null when the repository has its own Dockerfile (named in `dockerfile`). */
  plan: BuildPlan | null;
  /** The Dockerfile's path in the build's root directory. */
  dockerfile: string;
  dockerfileText: string;
}

export async function previewBuild(deps: PipelineDeps, ctx: InstanceContext): Promise<BuildPreview> {
  const kind = sourceKindOf(ctx.service);
  if (!kind.builds) throw new Conflict(`${ctx.service.name} runs ${kind.described(kind.view(ctx.service))}; nothing is built`);
  const dir = join(deps.config.dataDir, 'builds', `plan-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  try {
    const signal = AbortSignal.timeout(deps.config.buildTimeoutS * 1000);
    const checkout = await fetchSource(deps, ctx, undefined, dir, { say: async () => {}, signal }).catch((err: Error) => {
      // Nothing pushed yet is the service's state (409); anything else is the git host's failure.
      throw err instanceof SpurError ? err : new UpstreamFailed(err.message);
    });
    const context = await resolveBuildContext(dir, { rootDir: ctx.service.root_dir, dockerfilePath: ctx.service.dockerfile_path, plan: { images: await buildImagesFor(deps), port: ctx.instance.port, buildArgs: instanceBuildVariables(ctx.instance) } });
    return { commit: { sha: checkout.sha, message: checkout.message }, plan: context.plan ?? null, dockerfile: context.dockerfile, dockerfileText: context.dockerfileText };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
