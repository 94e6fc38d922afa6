// One deployment from `queued` to `active`, `failed` or `cancelled`: fetch and build (or reuse
// an earlier image for a rollback), then roll out on Swarm with health checks.
import type { Deployment, DeploymentStatus } from '../db/schema.js';
import { referenceSources } from '../databases/reference-sources.js';
import { checkRunImage } from '../builds/base-images.js';
import { builtBySpur } from './rollback-target.js';
import { commandWords } from '../command-words.js';
import { compareVersions } from '../docker/api-version.js';
import { spokenApiVersion } from '../docker/client.js';
import { ensureOverlayNetwork } from '../docker/daemon.js';
import { imageExists, imageHealthcheck } from '../docker/images.js';
import { ownershipLabels, projectNetworkName, swarmServiceName } from '../docker/names.js';
import { pushImage, registryReference, registryServer } from '../docker/registry.js';
import { RolloutFailed, describeFailure, waitForRollout } from '../docker/rollout.js';
import { serviceSpec } from '../docker/service-spec.js';
import { type RegistryAuth, findService, removeOwnedService, upsertService } from '../docker/swarm.js';
import { MANAGER_PLACEMENT, deployConstraints, pinnedNodeId, placementConstraints } from '../nodes/placement.js';
import { instanceRoute } from '../routing/instance-route.js';
import { traefikLabels } from '../routing/traefik-labels.js';
import { seal, unseal } from '../secrets.js';
import { sourceKindOf } from '../sources/index.js';
import { findActiveDeployment, getDeployment, recordDeploymentVariables, transitionDeployment } from '../store/deployments.js';
import { listDomains } from '../store/domains.js';
import { imageRegistry } from '../store/settings.js';
import { findNode } from '../store/nodes.js';
import { type InstanceContext, canaryStepsOf, getInstanceContext } from '../store/services.js';
import { readVariables } from '../store/variables.js';
import { listVolumes } from '../store/volumes.js';
import { buildFromSource } from './build-step.js';
import { containerPlan, describeHealth, healthPlan, resourcePlan, rolloutWindowMs, runsCheck } from './instance-plan.js';
import { makeRedactor, secretValues } from '../variables/redact.js';
import { UnresolvedReference, resolveReferences } from '../variables/references.js';
import { runRelease } from './release.js';
import { Steering, endSplit, releaseGradually } from './gradual.js';
import { routeLabels } from './routing.js';
import { routesThroughSplit } from '../routing/traffic-split.js';
import { traefikDir } from '../routing/traefik-service.js';
import { join } from 'node:path';
import { type StepRecord, stepRecord } from './step-record.js';
import type { PipelineDeps, Say, Steps } from './steps.js';
import { countingQueryTime } from '../db/query-time.js';
import { type Phase, PhaseClock } from './phase-clock.js';

class Cancelled extends Error {}

export async function runDeployment(deps: PipelineDeps, deploymentId: number, signal: AbortSignal): Promise<void> {
  const clock = new PhaseClock();
  await countingQueryTime(clock.records, () => run(deps, deploymentId, signal, clock));
}

async function run(deps: PipelineDeps, deploymentId: number, signal: AbortSignal, clock: PhaseClock): Promise<void> {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (deployment.status !== 'queued') return;
  clock.enter('queue', Date.parse(deployment.created_at));
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
  const steps = stepRecord(deps, deploymentId);
  // The wait in the queue ends now.
  await steps.begin('queued', deployment.created_at);
  await steps.end('done');

  try {
    // References are resolved first: one to something missing fails the deployment before the build.
    const { variables, note } = await variablesFor(deps, ctx, deployment);
    await recordDeploymentVariables(deps.db, deploymentId, seal(deps.key, JSON.stringify(variables)));
    redact = makeRedactor(secretValues(variables));
    if (note) await say(note);
    const phase = (name: Phase) => clock.enter(name);
    const image = await imageFor(deps, ctx, deployment, { say, setStatus, step: (name) => steps.begin(name), phase, signal, checkCancelled, variables });
    checkCancelled();
    clock.enter('spec');
    await setStatus('deploying', { image_tag: image });
    await rollOut(deps, ctx, { deploymentId, image, variables, say, steps, phase, signal, rollback: deployment.source_deployment_id !== null });
    await steps.end('done');
    await say(clock.line());
    // The line goes first: followers stop reading at the final status.
    await say(`Deployment ${deploymentId} is active.`);
    await setStatus('active');
  } catch (err) {
    if (err instanceof Cancelled || (signal.aborted && (await getDeployment(deps.db, deploymentId)).status === 'building')) {
      await steps.end('cancelled').catch(() => {});
      await say(`Deployment cancelled: ${signal.reason ?? 'cancelled'}`);
      await setStatus('cancelled', { failure_reason: String(signal.reason ?? 'cancelled') }).catch(() => {});
      return;
    }
    const reason = redact((err as Error).message || String(err));
    deps.log.warn('deployment failed', { deploymentId, reason });
    await say(clock.line()).catch(() => {});
    await steps.end('failed').catch((e) => deps.log.error('could not record the failed step', { deploymentId, error: String(e) }));
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
  if (deployment.promoted_from_id) return { variables: await current(), note: `Running with ${ctx.environment.name}'s own variables` };
  if (!deployment.source_deployment_id) return { variables: await current() };
  const source = await getDeployment(deps.db, deployment.source_deployment_id);
  if (!source.variables_sealed) return { variables: await current(), note: `Deployment ${source.id} kept no record of its variables; using today's` };
  return { variables: JSON.parse(unseal(deps.key, source.variables_sealed)) as Record<string, string>, note: `Restoring the variables deployment ${source.id} ran with` };
}

/** The image to run: an earlier deployment's (a rollback, or another environment's for a
 *  promotion), the service's image, or a fresh build. */
async function imageFor(deps: PipelineDeps, ctx: InstanceContext, deployment: Deployment, steps: Steps): Promise<string> {
  const earlierId = deployment.source_deployment_id ?? deployment.promoted_from_id;
  if (earlierId) {
    const source = await getDeployment(deps.db, earlierId);
    if (!source.image_tag) throw new Error(`deployment ${source.id} has no image to run again`);
    if (builtBySpur(source.image_tag) && !(await imageExists(deps.docker, source.image_tag))) throw new Error(`the image of deployment ${source.id} has been pruned`);
    // A user's image is its name then: what the daemon resolves it to now is checked.
    if (!builtBySpur(source.image_tag)) await checkRunImage(deps.docker, 'image', source.image_tag);
    const doing = deployment.source_deployment_id ? `Rolling back to deployment ${source.id}` : `Promoting the image deployment ${source.id} served`;
    await steps.say(`${doing} (${source.image_tag}); no build needed`);
    return source.image_tag;
  }
  const kind = sourceKindOf(ctx.service);
  if (!kind.builds) return kind.runImage(deps, ctx.service);
  return buildFromSource(deps, ctx, deployment, steps);
}

async function rollOut(deps: PipelineDeps, ctx: InstanceContext, opts: { deploymentId: number; image: string; variables: Record<string, string>; say: Say; steps: StepRecord; phase: (name: Phase) => void; signal: AbortSignal; rollback: boolean }): Promise<void> {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  await ensureOverlayNetwork(deps.docker, projectNetworkName(ref), ownershipLabels({ project: ref.project, environment: ref.environment }));
  const name = swarmServiceName(ref);
  const imageCheck = await imageHealthcheck(deps.docker, opts.image);
  const health = healthPlan(ctx.instance, imageCheck);
  const volumes = await listVolumes(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  const existing = await findService(deps.docker, name);
  const constraints = await placementOf(deps, ctx, { hasVolumes: volumes.length > 0, pinnedTo: pinnedNodeId(existing?.Spec.TaskTemplate.Placement?.Constraints) });
  // The pre-deploy command runs the local image on the manager, so it goes before the image is
  // sent to the other servers: a failed one leaves nothing sent.
  if (ctx.instance.release_command) {
    opts.phase('release');
    await opts.steps.begin('release');
    await release(deps, ctx, { ...opts, volumes, constraints });
    opts.phase('spec');
  }
  await opts.steps.begin('rollout');
  await deps.servers?.ensureProbe(constraints);
  const { image, auth } = await deliverImage(deps, opts.image, constraints, opts.say);
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
    container: containerPlan(ctx.instance),
    restart: { condition: ctx.instance.restart_policy, maxAttempts: ctx.instance.restart_max_attempts },
    stopGraceS: ctx.instance.stop_grace_s,
    probePath: deps.probePath,
    installId: deps.installId,
    volumes: volumes.map((v) => ({ source: v.docker_name, mountPath: v.mount_path })),
    constraints,
    startInterval: speaksStartIntervals(deps.docker),
  });
  const isUpdate = existing !== undefined;
  const check = describeHealth(health, imageCheck) + (ctx.instance.health_type === 'auto' ? ' (automatic)' : '');
  const healthChecked = runsCheck(health, imageCheck);
  // Canary and blue-green run the new version beside the old: not with volumes (two versions
  // would write the same files), and not on a first deploy (nothing serves to fall back to).
  let finishSplit: (() => Promise<void>) | undefined;
  let applied = spec;
  const dynamicDir = join(traefikDir(deps.config.dataDir), 'dynamic');
  const ownRouting = () => routeLabels(deps, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  // A split an earlier release left (its end failed): ended before anything else.
  if (existing && routesThroughSplit(existing.Spec.Labels, name)) await endSplit({ docker: deps.docker, dynamicDir, name, port: ctx.instance.port, ownRouting });
  const strategy = opts.rollback ? 'rolling' : ctx.instance.strategy;
  if (ctx.instance.strategy !== 'rolling') {
    if (opts.rollback) await opts.say(`A rollback goes at once: rolling, not ${ctx.instance.strategy}`);
    else if (!isUpdate) await opts.say(`First deploy: nothing serves yet, so the ${ctx.instance.strategy} release starts with the next one`);
    else if (volumes.length) await opts.say(`${ctx.service.name} has volumes: two versions may not write them at once, so this deploy is a rolling one, not ${ctx.instance.strategy}`);
  }
  if (strategy !== 'rolling' && isUpdate && !volumes.length) {
    const key = `${ctx.service.id}:${ctx.environment.id}`;
    const steering = deps.steering?.open(key, name) ?? new Steering();
    try {
      const gradual = await releaseGradually({
        docker: deps.docker, db: deps.db, dynamicDir, name, spec, ownRouting, auth, deploymentId: opts.deploymentId,
        strategy, replicas: ctx.instance.replicas, port: ctx.instance.port, steps: canaryStepsOf(ctx.instance),
        waitS: strategy === 'canary' ? ctx.instance.canary_step_s : ctx.instance.blue_green_keep_s,
        rolloutTimeoutMs: rolloutWindowMs(health, ctx.instance.replicas), healthChecked, say: opts.say, signal: opts.signal, steering,
      });
      finishSplit = gradual.finish;
      applied = { ...spec, Labels: { ...Object.fromEntries(Object.entries(spec.Labels).filter(([k]) => !k.startsWith('traefik.'))), ...(await gradual.labelsDuringUpdate()) } };
    } finally {
      deps.steering?.close(key);
    }
  }
  await opts.say(`${isUpdate ? 'Updating' : 'Creating'} Swarm service ${name}: ${ctx.instance.replicas} replica${ctx.instance.replicas === 1 ? '' : 's'}, health check: ${check}`);
  opts.phase('update');
  await upsertService(deps.docker, applied, auth);
  opts.phase('start');
  try {
    await waitForRollout(deps.docker, {
      serviceName: name,
      deploymentId: opts.deploymentId,
      replicas: ctx.instance.replicas,
      timeoutMs: rolloutWindowMs(health, ctx.instance.replicas),
      isUpdate,
      onStarted: () => {
        opts.phase('first probe');
        return opts.steps.begin('health');
      },
      onRunning: () => opts.phase('monitor'),
      healthChecked,
    });
  } catch (err) {
    await finishSplit?.().catch((e) => deps.log.error('could not end the traffic split', { service: name, error: String(e) }));
    if (!(err instanceof RolloutFailed)) throw err;
    // Nothing served before this deployment: do not leave a crash-looping service behind.
    if (!isUpdate) await removeOwnedService(deps.docker, name).catch(() => {});
    const serving = isUpdate ? await findActiveDeployment(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id }) : undefined;
    throw new Error(describeFailure(err.facts, { keepsServing: serving?.id }));
  }
  if (finishSplit) {
    // The new version serves either way: a split that would not end is healed at the next rollout.
    try {
      await finishSplit();
      await opts.say('Every request goes to the updated instance again; the version beside it is removed');
    } catch (err) {
      deps.log.error('could not end the traffic split', { service: name, error: String(err) });
      await opts.say(`The traffic split could not be ended (${(err as Error).message}); the next deploy, or Spur's next start, ends it`);
    }
  }
}

/** Health checks take a start interval from Engine API 1.44 (Docker 25). */
const speaksStartIntervals = (docker: PipelineDeps['docker']) => compareVersions(spokenApiVersion(docker) ?? '0', '1.44') >= 0;

/** The pre-deploy command, run once from the new image on this server before the rollout. */
async function release(deps: PipelineDeps, ctx: InstanceContext, opts: { deploymentId: number; image: string; variables: Record<string, string>; say: Say; volumes: { docker_name: string; mount_path: string }[]; constraints: string[] }): Promise<void> {
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
  await runRelease(deps.docker, { ...ref, deploymentId: opts.deploymentId, image: opts.image, command, port: ctx.instance.port, variables: opts.variables, resources: resourcePlan(ctx.instance), volumes: opts.volumes.map((v) => ({ source: v.docker_name, mountPath: v.mount_path })), installId: deps.installId }, { say: opts.say, timeoutMs: deps.config.buildTimeoutS * 1000 });
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

