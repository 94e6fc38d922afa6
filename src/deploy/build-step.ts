// The pipeline's build step: the source fetched, a Dockerfile found or written, the image built
// under the build's caps and deadline, one at a time per server, and the build cache held to its
// budget. What a build is and does (context, plan, image build, cache, slots) is in src/builds.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkBaseImages } from '../builds/base-images.js';
import { resolveBuildContext } from '../builds/context.js';
import { baseImages } from '../builds/stacks/index.js';
import type { BaseImages } from '../builds/stacks/stack.js';
import type { Deployment } from '../db/schema.js';
import type { BuildStepImages } from '../builds/build-steps.js';
import { BuildError, buildFailure, buildImage, daemonSeconds, refuseRecordedSecrets, removeFailedBuildImages } from '../builds/image-build.js';
import { imageTag, ownershipLabels } from '../docker/names.js';
import { recordBuildPlan, recordDeploymentSource } from '../store/deployments.js';
import { buildImageChoices } from '../store/settings.js';
import { type InstanceContext, instanceBuildVariables } from '../store/services.js';
import { MANAGER, keepBuildCache } from '../builds/build-cache.js';
import { PausableDeadline } from './deadline.js';
import { fetchSource } from './source.js';
import type { PipelineDeps, Steps } from './steps.js';

/** Builds the deployment's image and answers its tag. The deadline (the service's build timeout,
 *  else SPUR_BUILD_TIMEOUT) does not run while the build waits for its slot; a cancel aborts it. */
export async function buildFromSource(deps: PipelineDeps, ctx: InstanceContext, deployment: Deployment, steps: Steps): Promise<string> {
  const timeoutS = ctx.instance.build_timeout_s ?? deps.config.buildTimeoutS;
  const deadline = new PausableDeadline(timeoutS * 1000);
  try {
    return await build(deps, ctx, deployment, { ...steps, signal: AbortSignal.any([steps.signal, deadline.signal]) }, deadline);
  } catch (err) {
    const setting = ctx.instance.build_timeout_s ? 'the service\'s build timeout' : 'SPUR_BUILD_TIMEOUT';
    if (deadline.signal.aborted && !steps.signal.aborted) throw new Error(`the build took longer than ${describeSeconds(timeoutS)} (${setting}) and was stopped`);
    throw err;
  } finally {
    deadline.clear();
  }
}

async function build(deps: PipelineDeps, ctx: InstanceContext, deployment: Deployment, steps: Steps, deadline: PausableDeadline): Promise<string> {
  const deploymentId = deployment.id;
  await steps.setStatus('building');
  const dir = join(deps.config.dataDir, 'builds', String(deploymentId));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const { service, project } = ctx;
    await steps.step('fetch');
    steps.phase('fetch');
    const checkout = await fetchSource(deps, ctx, deployment, dir, steps).catch((err: Error) => {
      steps.checkCancelled();
      throw err;
    });
    await recordDeploymentSource(deps.db, deploymentId, { commit_sha: checkout.sha, commit_message: checkout.message });
    await steps.say(`Commit ${checkout.sha.slice(0, 12)}: ${checkout.message}`);
    await steps.step('build');
    steps.phase('context');
    // One frozen object: the image check resolves the Dockerfile with exactly what the build gets.
    const buildArgs = Object.freeze(await buildArguments(ctx, steps));
    const context = await resolveBuildContext(dir, { rootDir: service.root_dir, dockerfilePath: service.dockerfile_path, plan: { images: await buildImagesFor(deps), port: ctx.instance.port, buildArgs: Object.keys(buildArgs) } });
    if (context.plan) {
      await recordBuildPlan(deps.db, deploymentId, context.plan);
      await steps.say(`No Dockerfile in ${service.root_dir ?? '.'}: Spur wrote one for a ${context.plan.stack} app (${context.plan.reasons.join(', ')})`);
      for (const line of context.plan.dockerfile.trimEnd().split('\n')) await steps.say(`  ${line}`);
    }
    const builder = await deps.servers?.builder(steps.say);
    const docker = builder?.docker ?? deps.docker;
    await checkBaseImages(docker, { dockerfileText: context.dockerfileText, buildArgs, say: steps.say });
    const tag = imageTag({ project: project.name, service: service.name }, deploymentId, randomBytes(6).toString('hex'));
    await steps.say(`Building ${tag} from ${context.plan ? 'that Dockerfile' : `${service.root_dir ?? '.'}/${context.dockerfile}`}${builder ? ` on the build server ${builder.name}` : ''}`);
    const limits = { memoryMb: ctx.instance.build_memory_mb ?? deps.config.buildMemoryMb, cpus: ctx.instance.build_cpus ?? deps.config.buildCpus };
    const server = builder?.name ?? MANAGER;
    steps.phase('build');
    deadline.pause();
    const release = await deps.buildSlots.acquire(server, { signal: steps.signal, onWait: () => steps.say(slotWaitLine(server, deps.buildSlots.perServer)) });
    deadline.resume();
    const pending: Promise<void>[] = [];
    let since: { seconds: number; ms: number } | undefined;
    let output: BuildStepImages | undefined;
    try {
      since = { seconds: await daemonSeconds(docker), ms: Date.now() };
      output = await buildImage(docker, {
        ...context,
        tag,
        // Each build label is a builder step; the deployment id is already in the tag.
        labels: ownershipLabels({ project: project.name, service: service.name }),
        limits,
        buildArgs,
        onLine: (line) => void pending.push(steps.say(line)),
        signal: steps.signal,
      });
    } catch (err) {
      if (err instanceof BuildError) {
        output = err.steps;
        // Spur's upkeep, not the build's: its deadline does not run meanwhile.
        deadline.pause();
        await removeFailedBuildImages(docker, err.steps.created, since!.seconds);
      }
      steps.checkCancelled();
      throw new Error(`build failed: ${buildFailure((err as Error).message, limits)}`);
    } finally {
      steps.phase('build upkeep');
      await Promise.allSettled(pending);
      // Spur's upkeep, not the build's: its deadline does not run meanwhile.
      deadline.pause();
      if (since && output) await keepBuildCache(deps, docker, server, { since: since.seconds, until: since.seconds + Math.ceil((Date.now() - since.ms) / 1000), mentioned: output.mentioned, reused: output.reused }, steps.say);
      deadline.resume();
      release();
    }
    await refuseRecordedSecrets(docker, tag, buildArgs);
    if (builder) await deps.servers!.copyToManager(builder, tag, steps.say);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.index`, { force: true });
  }
}

/** The base images of the Dockerfiles Spur writes: SPUR_IMAGE_*, else the Settings page's choice,
 *  else the official images. */
export async function buildImagesFor(deps: Pick<PipelineDeps, 'db' | 'config'>): Promise<BaseImages> {
  return baseImages(await buildImageChoices(deps.db), deps.config.buildImages);
}

/** The variables marked for the build, as build arguments; a marked one that is not set is said. */
async function buildArguments(ctx: InstanceContext, steps: Steps): Promise<Record<string, string>> {
  const args: Record<string, string> = {};
  for (const name of instanceBuildVariables(ctx.instance)) {
    if (name in steps.variables) args[name] = steps.variables[name]!;
    else await steps.say(`${name} is marked for the build but not set: the build goes without it`);
  }
  if (Object.keys(args).length) await steps.say(`Build arguments: ${Object.keys(args).join(', ')}`);
  return args;
}

const describeSeconds = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

function slotWaitLine(server: string, perServer: number): string {
  const where = server === MANAGER ? 'the manager' : server;
  return `Waiting for a build slot on ${where}: ${perServer === 1 ? 'builds run one at a time there' : `${perServer} builds run at once there`} (SPUR_BUILD_CONCURRENCY)`;
}
