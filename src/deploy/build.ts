// A deployment's build: the source fetched, a Dockerfile found or written, the image built under
// the build's caps and deadline, one at a time per server, and the build cache held to its budget.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkBaseImages } from '../builds/base-images.js';
import { resolveBuildContext } from '../builds/context.js';
import type { BaseImages } from '../builds/stacks/stack.js';
import { DEFAULT_BUILD_IMAGES } from '../config.js';
import type { Deployment } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import type { BuildStepImages } from '../docker/build-steps.js';
import { BuildError, buildImage, daemonSeconds, removeStepImages } from '../docker/images.js';
import { imageTag, ownershipLabels } from '../docker/names.js';
import { recordBuildPlan, recordDeploymentSource } from '../store/deployments.js';
import { buildImageChoices } from '../store/settings.js';
import { type InstanceContext, instanceBuildVariables } from '../store/services.js';
import { MANAGER, describeCachePrune, pruneBuildCacheToBudget, recordBuild } from '../builds/build-cache.js';
import type { BuildCacheUse } from '../builds/cache-budget.js';
import { secretValues } from '../variables/redact.js';
import { PausableDeadline } from './deadline.js';
import { fetchSource } from './source.js';
import type { PipelineDeps, Say, Steps } from './steps.js';

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
    const checkout = await fetchSource(deps, ctx, deployment, dir, steps).catch((err: Error) => {
      steps.checkCancelled();
      throw err;
    });
    await recordDeploymentSource(deps.db, deploymentId, { commit_sha: checkout.sha, commit_message: checkout.message });
    await steps.say(`Commit ${checkout.sha.slice(0, 12)}: ${checkout.message}`);
    await steps.step('build');
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
  return { ...DEFAULT_BUILD_IMAGES, ...(await buildImageChoices(deps.db)), ...deps.config.buildImages };
}

/** A failed build's step images go now, or, where a stopped step's container still holds them
 *  (the daemon removes it a moment later, longer on a busy server), once it is gone: the failure
 *  is not held back for that. */
async function removeFailedBuildImages(docker: DockerClient, created: string[], sinceSeconds: number): Promise<void> {
  const { held } = await removeStepImages(docker, created, sinceSeconds, 5_000).catch(() => ({ held: [] }));
  if (held.length) void removeStepImages(docker, created, sinceSeconds, 180_000).catch(() => {});
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

/** A secret passed to the build must not travel in the image: Docker records the build arguments
 *  a RUN line of the final stage uses in the image's history. Such an image is removed. */
async function refuseRecordedSecrets(docker: DockerClient, tag: string, buildArgs: Readonly<Record<string, string>>): Promise<void> {
  const secrets = Object.entries(buildArgs).filter(([name, value]) => secretValues({ [name]: value }).length);
  if (!secrets.length) return;
  const history = (await docker.getImage(tag).history()) as { CreatedBy?: string }[];
  const recorded = secrets.filter(([, value]) => history.some((h) => h.CreatedBy?.includes(value))).map(([name]) => name);
  if (!recorded.length) return;
  await docker.getImage(tag).remove({ force: true }).catch(() => {});
  throw new Error(`the image's history records the value of ${recorded.join(', ')}: Docker writes the build arguments a RUN line uses into it. Use ${recorded.length > 1 ? 'them' : 'it'} only in an earlier stage of a multi-stage Dockerfile (the Dockerfiles Spur writes do), so that the image that runs does not carry ${recorded.length > 1 ? 'them' : 'it'}`);
}

/** Docker's reason, with the likely cause when a step was killed (137: SIGKILL, the memory cap's). */
function buildFailure(message: string, limits: { memoryMb: number }): string {
  if (!/returned a non-zero code: 137\b/.test(message)) return message;
  return `a build step was killed, most likely for going over the build's memory cap of ${limits.memoryMb} MiB (raise it with --build-memory or SPUR_BUILD_MEMORY): ${message}`;
}

const describeSeconds = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/** Records what the build made and reused, then holds the server's cache to its budget, unless
 *  another build runs there (it could be using an image about to go): the next build or the
 *  nightly job does it then. Never fails the build. */
async function keepBuildCache(deps: PipelineDeps, docker: DockerClient, server: string, build: BuildCacheUse, say: Say): Promise<void> {
  await recordBuild(deps, docker, server, build);
  try {
    const pruned = await deps.buildSlots.whileAlone(server, 1, () => pruneBuildCacheToBudget(deps.db, docker, server, deps.config.buildCacheMb));
    if (pruned?.removed) await say(describeCachePrune(server, pruned, deps.config.buildCacheMb));
  } catch (err) {
    deps.log.warn('build cache prune failed', { server, error: String(err) });
  }
}

function slotWaitLine(server: string, perServer: number): string {
  const where = server === MANAGER ? 'the manager' : server;
  return `Waiting for a build slot on ${where}: ${perServer === 1 ? 'builds run one at a time there' : `${perServer} builds run at once there`} (SPUR_BUILD_CONCURRENCY)`;
}
