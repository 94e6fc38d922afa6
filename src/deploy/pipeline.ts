// One deployment from `queued` to `active`, `failed` or `cancelled`: fetch and build (or reuse
// an earlier image for a rollback), then roll out on Swarm with health checks.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkBaseImages } from '../build/base-images.js';
import { resolveBuildContext } from '../build/context.js';
import { checkGitHost, gitTarget } from '../build/git-host.js';
import { type Checkout, type GitAuth, checkoutFromRepo, cloneBranchHead } from '../build/git.js';
import { repoDir } from '../build/repos.js';
import { type Config, DEFAULT_BUILD_IMAGES } from '../config.js';
import type { Db } from '../db/open.js';
import type { Deployment, DeploymentStatus } from '../db/schema.js';
import { instanceRoute } from '../routing/instance-route.js';
import { listDomains } from '../store/domains.js';
import type { DockerClient } from '../docker/client.js';
import { ensureOverlayNetwork } from '../docker/engine.js';
import { buildImage, imageExists, imageHealthcheck, removeFailedBuildImages } from '../docker/images.js';
import { imageTag, ownershipLabels, projectNetworkName, swarmServiceName } from '../docker/names.js';
import { RolloutFailed, waitForRollout } from '../docker/rollout.js';
import { serviceSpec } from '../docker/service-spec.js';
import { type RegistryAuth, findService, removeOwnedService, upsertService } from '../docker/swarm.js';
import type { Log } from '../log.js';
import { traefikLabels } from '../routing/traefik-labels.js';
import { getDeployment, recordBuildPlan, recordDeploymentSource, recordDeploymentVariables, transitionDeployment } from '../store/deployments.js';
import { type InstanceContext, getInstanceContext } from '../store/services.js';
import { readVariables } from '../store/variables.js';
import { listVolumes } from '../store/volumes.js';
import { referenceSources } from '../databases/reference-sources.js';
import { UnresolvedReference, resolveReferences } from './references.js';
import { describeHealth, healthPlan, resourcePlan, rolloutWindowMs } from './instance-plan.js';
import type { DeploymentLogBus } from './log-bus.js';
import { makeRedactor, secretValues } from './redact.js';
import { instanceBuildVariables } from '../store/services.js';
import { buildBranch } from './branches.js';
import { runRelease } from './release.js';
import type { BuildSlots } from './build-slots.js';
import { commandWords } from '../build/command-words.js';
import { seal, unseal } from '../secrets.js';
import type { NodeFleet } from '../nodes/fleet.js';
import { MANAGER_PLACEMENT, deployConstraints, pinnedNodeId, placementConstraints } from '../nodes/placement.js';
import { findNode } from '../store/nodes.js';
import { buildImageChoices, imageRegistry } from '../store/instance-settings.js';
import type { BaseImages } from '../build/stacks/stack.js';
import { pushImage, registryReference, registryServer } from '../docker/registry.js';

export interface PipelineDeps {
  config: Pick<Config, 'dataDir' | 'baseDomain' | 'gitCaFile' | 'gitAllowPrivate' | 'keepImages' | 'buildTimeoutS' | 'buildImages' | 'buildMemoryMb' | 'buildCpus'>;
  db: Db;
  docker: DockerClient;
  log: Log;
  key: Buffer;
  logBus: DeploymentLogBus;
  /** Host path of the static health probe mounted into tasks. */
  probePath: string;
  installId: string;
  /** Program git runs to ask for an HTTPS token (the Spur bundle, in askpass mode). */
  askpassPath: string;
  /** The other servers: each gets the image before a rollout that may place tasks on it; one
   *  may be the build server. */
  servers?: Pick<NodeFleet, 'shipForDeploy' | 'builder' | 'copyToManager' | 'reachable'>;
  /** Builds at once per server (SPUR_BUILD_CONCURRENCY). */
  buildSlots: BuildSlots;
}

/** A pushed commit to deploy, readable from the bare repository (and its quarantine). */
export interface PushCheckout {
  repoDir: string;
  rev: string;
  objectEnv: Record<string, string>;
}

class Cancelled extends Error {}

type Say = (line: string) => Promise<void>;

export async function runDeployment(deps: PipelineDeps, deploymentId: number, signal: AbortSignal, pushed?: PushCheckout): Promise<void> {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (deployment.status !== 'queued') return;
  const ctx = await getInstanceContext(deps.db, { serviceId: deployment.service_id, environmentId: deployment.environment_id });
  let redact = (line: string) => line;
  const say: Say = (line) => deps.logBus.line(deploymentId, redact(line));
  const setStatus = async (to: DeploymentStatus, fields: Parameters<typeof transitionDeployment>[3] = {}) => {
    await transitionDeployment(deps.db, deploymentId, to, fields);
    await deps.logBus.status(deploymentId, to, fields.failure_reason);
  };
  const checkCancelled = () => {
    if (signal.aborted) throw new Cancelled(String(signal.reason ?? 'cancelled'));
  };

  try {
    // References are resolved first: one to something missing fails the deployment before the build.
    const { variables, note } = await variablesFor(deps, ctx, deployment);
    await recordDeploymentVariables(deps.db, deploymentId, seal(deps.key, JSON.stringify(variables)));
    redact = makeRedactor(secretValues(variables));
    if (note) await say(note);
    const image = await imageFor(deps, ctx, deployment, { say, setStatus, signal, checkCancelled, pushed, variables });
    checkCancelled();
    await setStatus('deploying', { image_tag: image });
    await rollOut(deps, ctx, { deploymentId, image, variables, say });
    // The line goes first: followers stop reading at the final status.
    await say(`Deployment ${deploymentId} is active.`);
    await setStatus('active');
  } catch (err) {
    if (err instanceof Cancelled || (signal.aborted && (await getDeployment(deps.db, deploymentId)).status === 'building')) {
      await say(`Deployment cancelled: ${signal.reason ?? 'cancelled'}`);
      await setStatus('cancelled', { failure_reason: String(signal.reason ?? 'cancelled') }).catch(() => {});
      return;
    }
    const reason = redact((err as Error).message || String(err));
    deps.log.warn('deployment failed', { deploymentId, reason });
    await say(`Deployment failed: ${reason}`);
    await setStatus('failed', { failure_reason: reason }).catch((e) => deps.log.error('could not record failure', { deploymentId, error: String(e) }));
  }
}

/** The variables a deployment runs with, references resolved: today's, or for a rollback the ones
 *  its target ran with. */
async function variablesFor(deps: PipelineDeps, ctx: InstanceContext, deployment: Deployment): Promise<{ variables: Record<string, string>; note?: string }> {
  const current = async () => {
    const own = await readVariables(deps.db, deps.key, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
    try {
      return resolveReferences(ctx.service.name, own, await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id));
    } catch (err) {
      if (err instanceof UnresolvedReference) throw new Error(`variables: ${err.message}`);
      throw err;
    }
  };
  if (!deployment.source_deployment_id) return { variables: await current() };
  const source = await getDeployment(deps.db, deployment.source_deployment_id);
  if (!source.variables_sealed) return { variables: await current(), note: `Deployment ${source.id} kept no record of its variables; using today's` };
  return { variables: JSON.parse(unseal(deps.key, source.variables_sealed)) as Record<string, string>, note: `Restoring the variables deployment ${source.id} ran with` };
}

interface Steps {
  pushed?: PushCheckout;
  /** The deployment's variables, references resolved; the build gets the ones marked for it. */
  variables: Record<string, string>;
  say: Say;
  setStatus: (to: DeploymentStatus) => Promise<void>;
  signal: AbortSignal;
  checkCancelled: () => void;
}

/** The image to run: an earlier deployment's (rollback), the service's image, or a fresh build. */
async function imageFor(deps: PipelineDeps, ctx: InstanceContext, deployment: Deployment, steps: Steps): Promise<string> {
  if (deployment.source_deployment_id) {
    const source = await getDeployment(deps.db, deployment.source_deployment_id);
    if (!source.image_tag) throw new Error(`deployment ${source.id} has no image to roll back to`);
    if (source.image_tag.startsWith('spur/') && !(await imageExists(deps.docker, source.image_tag))) throw new Error(`the image of deployment ${source.id} has been pruned`);
    await steps.say(`Rolling back to deployment ${source.id} (${source.image_tag}); no build needed`);
    return source.image_tag;
  }
  if (ctx.service.source_type === 'image') return ctx.service.image!;
  // The fetch and build run under their own deadline; a cancel still aborts them too.
  const timeoutS = ctx.instance.build_timeout_s ?? deps.config.buildTimeoutS;
  const deadline = AbortSignal.timeout(timeoutS * 1000);
  try {
    return await build(deps, ctx, deployment, { ...steps, signal: AbortSignal.any([steps.signal, deadline]) });
  } catch (err) {
    const setting = ctx.instance.build_timeout_s ? 'the service\'s build timeout' : 'SPUR_BUILD_TIMEOUT';
    if (deadline.aborted && !steps.signal.aborted) throw new Error(`the build took longer than ${describeSeconds(timeoutS)} (${setting}) and was stopped`);
    throw err;
  }
}

/** The base images of the Dockerfiles Spur writes: SPUR_IMAGE_*, else the Settings page's choice,
 *  else the official images. */
export async function buildImagesFor(deps: Pick<PipelineDeps, 'db' | 'config'>): Promise<BaseImages> {
  return { ...DEFAULT_BUILD_IMAGES, ...(await buildImageChoices(deps.db)), ...deps.config.buildImages };
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
async function refuseRecordedSecrets(docker: DockerClient, tag: string, buildArgs: Record<string, string>): Promise<void> {
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

/** The source of a build: the pushed commit, the bare repository's branch (push-only services),
 *  or a clone of the remote at the branch head or at the commit a webhook named. */
export async function fetchSource(deps: PipelineDeps, ctx: InstanceContext, commit: string | undefined, dir: string, steps: Pick<Steps, 'pushed' | 'say' | 'signal'>): Promise<Checkout> {
  const { service, project } = ctx;
  const branch = buildBranch(service, ctx.instance);
  if (steps.pushed) {
    await steps.say(`Using the pushed commit ${steps.pushed.rev.slice(0, 12)}`);
    return checkoutFromRepo({ ...steps.pushed, dir });
  }
  if (service.source_type === 'push') {
    await steps.say(`Using the head of branch ${branch} as last pushed`);
    return checkoutFromRepo({ repoDir: repoDir(deps.config.dataDir, { projectId: project.id, serviceId: service.id }), rev: `refs/heads/${branch}`, dir });
  }
  await steps.say(`Fetching ${service.git_url} (branch ${branch}${commit ? `, commit ${commit.slice(0, 12)}` : ''})`);
  const keyFile = `${dir}.key`;
  try {
    const { target, address } = await checkGitHost(service.git_url!, { allowPrivate: deps.config.gitAllowPrivate });
    const pin = target.scheme === 'ssh' ? undefined : { host: target.host, port: target.port, address, allowHttp: target.scheme === 'http' };
    const auth = await cloneAuth(deps, service, keyFile);
    return await cloneBranchHead({ url: service.git_url!, branch, commit, dir, caFile: deps.config.gitCaFile, knownHostsFile: join(deps.config.dataDir, 'known_hosts'), auth, pin, signal: steps.signal });
  } catch (err) {
    if (steps.signal.aborted) throw err;
    throw new Error(`could not fetch branch ${branch}: ${lastLine((err as Error).message)}`);
  } finally {
    await rm(keyFile, { force: true });
  }
}

/** Credentials for private repositories: the deploy key for ssh remotes, the token for https. */
async function cloneAuth(deps: PipelineDeps, service: InstanceContext['service'], keyFile: string): Promise<GitAuth | undefined> {
  const url = service.git_url ?? '';
  if (gitTarget(url).scheme === 'ssh' && service.deploy_key_private_sealed) {
    await writeFile(keyFile, unseal(deps.key, service.deploy_key_private_sealed), { mode: 0o600 });
    return { sshKeyFile: keyFile };
  }
  if (url.startsWith('https://') && service.https_token_sealed) {
    return { token: { username: 'x-access-token', password: unseal(deps.key, service.https_token_sealed), askpass: deps.askpassPath } };
  }
  return undefined;
}

async function build(deps: PipelineDeps, ctx: InstanceContext, deployment: Deployment, steps: Steps): Promise<string> {
  const deploymentId = deployment.id;
  await steps.setStatus('building');
  const dir = join(deps.config.dataDir, 'builds', String(deploymentId));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const { service, project } = ctx;
    const checkout = await fetchSource(deps, ctx, deployment.commit_sha ?? undefined, dir, steps).catch((err: Error) => {
      steps.checkCancelled();
      throw err;
    });
    await recordDeploymentSource(deps.db, deploymentId, { commit_sha: checkout.sha, commit_message: checkout.message });
    await steps.say(`Commit ${checkout.sha.slice(0, 12)}: ${checkout.message}`);
    const buildArgs = await buildArguments(ctx, steps);
    const context = await resolveBuildContext(dir, { rootDir: service.root_dir, dockerfilePath: service.dockerfile_path, plan: { images: await buildImagesFor(deps), port: ctx.instance.port, buildArgs: Object.keys(buildArgs) } });
    if (context.plan) {
      await recordBuildPlan(deps.db, deploymentId, context.plan);
      await steps.say(`No Dockerfile in ${service.root_dir ?? '.'}: Spur wrote one for a ${context.plan.stack} app (${context.plan.reasons.join(', ')})`);
      for (const line of context.plan.dockerfile.trimEnd().split('\n')) await steps.say(`  ${line}`);
    }
    const builder = await deps.servers?.builder(steps.say);
    const docker = builder?.docker ?? deps.docker;
    await checkBaseImages(docker, context.dockerfileText);
    const tag = imageTag({ project: project.name, service: service.name }, deploymentId, randomBytes(6).toString('hex'));
    await steps.say(`Building ${tag} from ${context.plan ? 'that Dockerfile' : `${service.root_dir ?? '.'}/${context.dockerfile}`}${builder ? ` on the build server ${builder.name}` : ''}`);
    const limits = { memoryMb: ctx.instance.build_memory_mb ?? deps.config.buildMemoryMb, cpus: ctx.instance.build_cpus ?? deps.config.buildCpus };
    const server = builder?.name ?? 'the manager';
    const release = await deps.buildSlots.acquire(server, { signal: steps.signal, onWait: () => steps.say(`Waiting for a build slot on ${server}: builds run one at a time there (SPUR_BUILD_CONCURRENCY)`) });
    const pending: Promise<void>[] = [];
    const started = Date.now();
    try {
      await buildImage(docker, {
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
      await removeFailedBuildImages(docker, started).catch(() => {});
      steps.checkCancelled();
      throw new Error(`build failed: ${buildFailure((err as Error).message, limits)}`);
    } finally {
      release();
      await Promise.allSettled(pending);
    }
    await refuseRecordedSecrets(docker, tag, buildArgs);
    if (builder) await deps.servers!.copyToManager(builder, tag, steps.say);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.index`, { force: true });
  }
}

async function rollOut(deps: PipelineDeps, ctx: InstanceContext, opts: { deploymentId: number; image: string; variables: Record<string, string>; say: Say }): Promise<void> {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  await ensureOverlayNetwork(deps.docker, projectNetworkName(ref), ownershipLabels({ project: ref.project, environment: ref.environment }));
  const name = swarmServiceName(ref);
  const imageCheck = await imageHealthcheck(deps.docker, opts.image);
  const health = healthPlan(ctx.instance, imageCheck);
  const volumes = await listVolumes(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  const existing = await findService(deps.docker, name);
  const constraints = await placementOf(deps, ctx, { hasVolumes: volumes.length > 0, pinnedTo: pinnedNodeId(existing?.Spec.TaskTemplate.Placement?.Constraints) });
  const { image, auth } = await deliverImage(deps, opts.image, constraints, opts.say);
  if (ctx.instance.release_command) await release(deps, ctx, { ...opts, volumes, constraints });
  const spec = serviceSpec({
    ...ref,
    deploymentId: opts.deploymentId,
    image,
    replicas: ctx.instance.replicas,
    port: ctx.instance.port,
    variables: opts.variables,
    routingLabels: traefikLabels(instanceRoute({ name, instance: ctx.instance, domains: await listDomains(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id }), baseDomain: deps.config.baseDomain, now: new Date() })),
    health,
    resources: resourcePlan(ctx.instance),
    restart: { condition: ctx.instance.restart_policy, maxAttempts: ctx.instance.restart_max_attempts },
    stopGraceS: ctx.instance.stop_grace_s,
    probePath: deps.probePath,
    installId: deps.installId,
    volumes: volumes.map((v) => ({ name: v.name, mountPath: v.mount_path })),
    constraints,
  });
  const isUpdate = existing !== undefined;
  const check = describeHealth(health, imageCheck) + (ctx.instance.health_type === 'auto' ? ' (automatic)' : '');
  await opts.say(`${isUpdate ? 'Updating' : 'Creating'} Swarm service ${name}: ${ctx.instance.replicas} replica${ctx.instance.replicas === 1 ? '' : 's'}, health check: ${check}`);
  await upsertService(deps.docker, spec, auth);
  try {
    await waitForRollout(deps.docker, { serviceName: name, deploymentId: opts.deploymentId, replicas: ctx.instance.replicas, timeoutMs: rolloutWindowMs(health, ctx.instance.replicas), isUpdate });
  } catch (err) {
    if (!(err instanceof RolloutFailed)) throw err;
    if (!isUpdate) {
      // Nothing served before this deployment: do not leave a crash-looping service behind.
      await removeOwnedService(deps.docker, name).catch(() => {});
      throw new Error(`the new version did not start: ${err.message}`);
    }
    throw new Error(`the new version did not become healthy: ${err.message}. Swarm rolled back; the previous version keeps serving`);
  }
}

/** The pre-deploy command, run once from the new image on this server before the rollout. */
async function release(deps: PipelineDeps, ctx: InstanceContext, opts: { deploymentId: number; image: string; variables: Record<string, string>; say: Say; volumes: { name: string; mount_path: string }[]; constraints: string[] }): Promise<void> {
  let command: string[];
  try {
    command = commandWords(ctx.instance.release_command!, ctx.instance.port);
  } catch (err) {
    throw new Error(`pre-deploy command: ${(err as Error).message}`);
  }
  if (opts.volumes.length) {
    const managerId = (await deps.docker.info()).Swarm.NodeID as string;
    if (pinnedNodeId(opts.constraints) !== managerId) throw new Error('the pre-deploy command runs on the manager, and this service\'s volumes are on another server: run it from the app at start instead, or keep the service on the manager');
  }
  await opts.say(`Running the pre-deploy command: ${command.join(' ')}`);
  const started = Date.now();
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  await runRelease(deps.docker, { ...ref, deploymentId: opts.deploymentId, image: opts.image, command, port: ctx.instance.port, variables: opts.variables, resources: resourcePlan(ctx.instance), volumes: opts.volumes.map((v) => ({ name: v.name, mountPath: v.mount_path })), installId: deps.installId }, { say: opts.say, timeoutMs: deps.config.buildTimeoutS * 1000 });
  await opts.say(`The pre-deploy command succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Gets the image where the tasks will run: pushed to the registry the owner named (the nodes
 *  pull it with the credentials sent along), or else sent by Spur to each server that may run
 *  them. Answers the reference the service runs. */
async function deliverImage(deps: PipelineDeps, image: string, constraints: string[], say: Say): Promise<{ image: string; auth?: RegistryAuth }> {
  const registry = await imageRegistry(deps.db, deps.key);
  if (!registry) {
    if (deps.servers) await deps.servers.shipForDeploy(image, constraints, say);
    return { image };
  }
  const auth = { username: registry.username, password: registry.password, serveraddress: registryServer(registry.address) };
  const reference = registryReference(registry.address, image);
  const started = Date.now();
  await pushImage(deps.docker, image, reference, auth);
  await say(`Pushed the image to ${reference} in ${((Date.now() - started) / 1000).toFixed(1)} s; the servers pull it from there`);
  return { image: reference, auth };
}

/** Where the tasks may run: the instance's placement, or, with volumes, the one node that holds
 *  them (see nodes/placement.ts). */
async function placementOf(deps: PipelineDeps, ctx: InstanceContext, volumes: { hasVolumes: boolean; pinnedTo?: string }): Promise<string[]> {
  const placement = ctx.instance.placement;
  if (!volumes.hasVolumes) return placementConstraints(placement);
  const managerId = (await deps.docker.info()).Swarm.NodeID as string;
  const server = placement && placement !== MANAGER_PLACEMENT ? await findNode(deps.db, placement) : undefined;
  return deployConstraints({ placement, ...volumes, managerId, placementNodeId: server?.swarm_node_id ?? undefined });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? text;
}
