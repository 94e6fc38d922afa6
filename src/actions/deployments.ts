// Deployments of a service instance: deploy, roll back, cancel, preview the build, scale, and the
// deployment views the pages and the API show.
import type { Deployment } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { swarmServiceName } from '../docker/names.js';
import { scaleService } from '../docker/swarm.js';
import { toStepsView } from '../deploy/step-view.js';
import { listDeploymentSteps } from '../store/deployment-steps.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { type DeploymentRequest, type Requester, findActiveDeployment, getDeployment, listDeployments } from '../store/deployments.js';
import { getEnvironment } from '../store/projects.js';
import { scaleEvents } from '../store/scale-events.js';
import { type AllowedInstance, type ProjectAction, mayDo, requireAtOnce, requireTo, roleFor, wayTo } from './access.js';
import { ask } from './ask.js';
import { type InstanceContext, getInstanceContext, listInstancesOf, updateInstance } from '../store/services.js';
import * as validate from '../validate.js';
import { type Actor, type Body, instanceObject, requireDaemon, scopeOf } from './common.js';
import { type Doer, audit } from './record.js';
import { refuseOversizedVariables } from './variables.js';

/** Queues a deployment; `pushed` pins the exact commit to build (a push, see actions/push.ts). */
export async function deploy(deps: Deps, who: Doer, ctx: InstanceContext, by: Requester, pushed?: Pick<DeploymentRequest, 'commit' | 'pushedObjects'>): Promise<Deployment> {
  requireDaemon(deps);
  await refuseOversizedVariables(deps, ctx);
  const deployment = await deps.deployer.request({ ...scopeOf(ctx), ...by, ...pushed });
  await audit(deps, who, 'deploy', instanceObject(ctx), { after: { deployment: deployment.id, commit: pushed?.commit ?? null } });
  return deployment;
}

/** A person's deploy of a service instance (UI, API, CLI): queued, or in a protected environment
 *  where their role must ask, a request an admin approves (the door, access.ts `wayTo`). */
export async function deployAsked(deps: Deps, ctx: AllowedInstance, by: Requester): Promise<Deployment> {
  if ((await wayTo(deps, ctx.acting, 'deploy', ctx.environment, { object: instanceObject(ctx) })) === 'ask') {
    await refuseOversizedVariables(deps, ctx);
    return ask(deps, { who: ctx.acting, kind: 'deploy', project: ctx.project, environment: ctx.environment, service: ctx.service, trigger: by.trigger, payload: {}, summary: {} });
  }
  return deploy(deps, ctx.acting, ctx, by);
}

export async function rollback(deps: Deps, ctx: AllowedInstance, body: Body, by: Requester): Promise<Deployment> {
  const way = await wayTo(deps, ctx.acting, 'rollback', ctx.environment, { object: instanceObject(ctx) });
  const target = validate.optional(body.deployment, (v) => validate.integer('deployment', v, 1, Number.MAX_SAFE_INTEGER));
  if (way === 'ask') return ask(deps, { who: ctx.acting, kind: 'rollback', project: ctx.project, environment: ctx.environment, service: ctx.service, trigger: by.trigger, payload: { deployment: target ?? null }, summary: { deployment: target ?? null } });
  return rollbackAs(deps, ctx.acting, ctx, by, target);
}

/** Rolls back (to `target`, or the deployment before what serves), recorded as `who`'s. */
export async function rollbackAs(deps: Deps, who: Doer, ctx: InstanceContext, by: Requester, target?: number): Promise<Deployment> {
  requireDaemon(deps);
  const deployment = await deps.deployer.rollback(scopeOf(ctx), by, target);
  await audit(deps, who, 'rollback', instanceObject(ctx), { after: { deployment: deployment.id, rollbackOf: deployment.source_deployment_id } });
  return deployment;
}

/** Promotes what serves the service in the `from` environment to this one: the same image, no
 *  rebuild, this environment's variables; through the door of a deploy here. */
export async function promote(deps: Deps, ctx: AllowedInstance, body: Body, by: Requester): Promise<Deployment> {
  const way = await wayTo(deps, ctx.acting, 'deploy', ctx.environment, { object: instanceObject(ctx) });
  const { from } = validate.fields({ from: () => validate.resourceName('environment', body.from) });
  if (from === ctx.environment.name) throw new InvalidInput('from', `promote from another environment than ${from}, the one it goes to`);
  const fromEnv = await getEnvironment(deps.db, ctx.project, from);
  // Code from outside the team stays in its preview.
  if (fromEnv.preview_fork === 1) throw new InvalidInput('from', `${from} runs a pull request from a fork; it is not promoted`);
  const source = await findActiveDeployment(deps.db, { serviceId: ctx.service.id, environmentId: fromEnv.id });
  if (!source?.image_tag) throw new Conflict(`nothing serves ${ctx.service.name} in ${from} to promote`);
  // The deployment a page showed as serving, when it names one: promoted only while it serves.
  const pinned = validate.optional(body.deployment, (v) => validate.integer('deployment', v, 1, Number.MAX_SAFE_INTEGER));
  if (pinned !== undefined && pinned !== source.id) throw new Conflict(`deployment #${pinned} no longer serves ${from}: promote from the one that does`);
  if (way === 'ask') {
    await refuseOversizedVariables(deps, ctx);
    const summary = { promote: { from, deployment: source.id }, commit: source.commit_sha };
    return ask(deps, { who: ctx.acting, kind: 'deploy', project: ctx.project, environment: ctx.environment, service: ctx.service, trigger: by.trigger, payload: { promote: source.id }, summary });
  }
  return promoteAs(deps, ctx.acting, ctx, by, source.id);
}

/** The service's other environments a role that may deploy can promote to (a protected one asks). */
export async function promotionTargets(deps: Deps, ctx: AllowedInstance): Promise<string[]> {
  if (!mayDo(ctx, 'deploy')) return [];
  return (await listInstancesOf(deps.db, ctx.service.id)).map((i) => i.environment.name).filter((name) => name !== ctx.environment.name).sort();
}

/** Runs deployment `sourceId`'s image here (see `promote`), recorded as `who`'s. */
export async function promoteAs(deps: Deps, who: Doer, ctx: InstanceContext, by: Requester, sourceId: number): Promise<Deployment> {
  requireDaemon(deps);
  await refuseOversizedVariables(deps, ctx);
  const source = await getDeployment(deps.db, sourceId);
  const deployment = await deps.deployer.promote(scopeOf(ctx), source, by);
  await audit(deps, who, 'deploy', instanceObject(ctx), { after: { deployment: deployment.id, promotedFrom: source.id, commit: source.commit_sha } });
  return deployment;
}

/** A hand on a canary or blue-green release under way: `next` steps it up now, `abort` sends
 *  every request back to the old version. */
export async function steerRelease(deps: Deps, ctx: AllowedInstance, body: Body): Promise<{ action: 'next' | 'abort' }> {
  await requireAtOnce(deps, ctx.acting, 'deploy', ctx.environment, { object: instanceObject(ctx), doing: 'step or stop a release' });
  const { action } = validate.fields({ action: () => validate.oneOf('action', body.action, ['next', 'abort'] as const) });
  deps.deployer.steer(scopeOf(ctx), action, ctx.acting.email);
  await audit(deps, ctx.acting, 'deploy', instanceObject(ctx), { after: { release: action } });
  return { action };
}

export async function cancel(deps: Deps, ctx: AllowedInstance) {
  await requireTo(deps, ctx.acting, 'cancel', { object: instanceObject(ctx) });
  const cancelled = await deps.deployer.cancel(scopeOf(ctx));
  await audit(deps, ctx.acting, 'cancel', instanceObject(ctx), { after: { deployments: cancelled } });
  return cancelled;
}

/** What a deploy would build with, now, without building (see deploy/build-preview.ts). */
export async function previewBuild(deps: Deps, ctx: InstanceContext) {
  const preview = await deps.deployer.preview(scopeOf(ctx));
  return { commit: preview.commit, generated: preview.plan !== null, stack: preview.plan?.stack ?? null, reasons: preview.plan?.reasons ?? [], dockerfile: preview.dockerfile, dockerfileText: preview.dockerfileText };
}

/** Sets the replica count and applies it at once to a running service (no task is replaced). */
export async function scale(deps: Deps, ctx: AllowedInstance, body: Body): Promise<{ replicas: number; applied: boolean }> {
  await requireTo(deps, ctx.acting, 'service.change', { object: instanceObject(ctx) });
  const { replicas } = validate.fields({ replicas: () => validate.replicas(body.replicas) });
  await updateInstance(deps.db, ctx.service, ctx.environment, { replicas });
  await audit(deps, ctx.acting, 'service.scale', instanceObject(ctx), { before: { replicas: ctx.instance.replicas }, after: { replicas } });
  if (!deps.daemon.ready) return { replicas, applied: false };
  const applied = await scaleService(deps.docker, swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }), replicas);
  return { replicas, applied };
}

export const deploymentsOf = (deps: Deps, ctx: InstanceContext) => listDeployments(deps.db, scopeOf(ctx));

/** The autoscaler's changes of the instance's replicas, newest first (the deployment history shows them). */
export async function scaleEventsOf(deps: Deps, ctx: InstanceContext): Promise<ScaleEventView[]> {
  const rows = await scaleEvents(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id }, SCALE_EVENTS_SHOWN);
  return rows.map((r) => ({ at: r.at, from: r.from_replicas, to: r.to_replicas, reason: r.reason, by: 'autoscaler' }));
}

const SCALE_EVENTS_SHOWN = 50;

export interface ScaleEventView {
  at: string;
  from: number;
  to: number;
  reason: string;
  by: 'autoscaler';
}

export function toDeploymentView(d: Deployment) {
  return {
    id: d.id,
    status: d.status,
    commitSha: d.commit_sha,
    commitMessage: d.commit_message,
    imageTag: d.image_tag,
    trigger: d.trigger,
    failureReason: d.failure_reason,
    createdAt: d.created_at,
    startedAt: d.started_at,
    finishedAt: d.finished_at,
    rollbackOf: d.source_deployment_id,
    promotedFrom: d.promoted_from_id,
    /** The Dockerfile Spur wrote, with why, when the repository had none. */
    buildPlan: d.build_plan ? (JSON.parse(d.build_plan) as { stack: string; reasons: string[]; dockerfile: string }) : null,
  };
}

/** A deployment with its steps (see deploy/step-view.ts): what its page and the API show. */
export async function deploymentWithSteps(deps: Pick<Deps, 'db'>, d: Deployment) {
  return { ...toDeploymentView(d), steps: toStepsView(d, await listDeploymentSteps(deps.db, d.id), Date.now()) };
}

/** A deployment by id, if the user may see its project (404 otherwise) and do `action` there (403). */
export async function deploymentFor(deps: Deps, user: Actor, id: number, action: ProjectAction): Promise<{ deployment: Deployment; ctx: AllowedInstance }> {
  const deployment = await getDeployment(deps.db, id);
  const ctx = await getInstanceContext(deps.db, { serviceId: deployment.service_id, environmentId: deployment.environment_id });
  const role = await roleFor(deps.db, user, ctx.project.id);
  if (!role) {
    await audit(deps, user, action, instanceObject(ctx), { outcome: 'refused' });
    throw new NotFound(`deployment ${id} not found`);
  }
  const acting = { ...user, role };
  await requireTo(deps, acting, action, { object: instanceObject(ctx) });
  return { deployment, ctx: { ...ctx, role, acting } };
}
