// Accepts deployment requests and runs them one at a time per (service, environment): a newer
// request supersedes queued ones, a running build can be cancelled, and on shutdown or restart
// nothing is left half-recorded.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployment } from '../db/schema.js';
import { nextServiceName, swarmServiceName } from '../docker/names.js';
import { removeLeftOneOffs } from '../docker/one-off.js';
import { waitForRollout } from '../docker/rollout.js';
import { findService, listOwnedServices, removeOwnedService } from '../docker/swarm.js';
import { databaseServiceName } from '../databases/service-spec.js';
import { listAllDatabases } from '../store/databases.js';
import { imageHealthcheck } from '../docker/images.js';
import { Conflict, NotFound } from '../errors.js';
import { type DeploymentRequest, type Requester, findActiveDeployment, getDeployment, listDeploymentsInStatus, listRollbackTargets, queueDeployment, transitionDeployment } from '../store/deployments.js';
import { getInstanceContext, listAllInstances } from '../store/services.js';
import { endDeploymentStep } from '../store/deployment-steps.js';
import { healthPlan, rolloutWindowMs, runsCheck } from './instance-plan.js';
import { type BuildPreview, previewBuild } from './build-preview.js';
import { runDeployment } from './pipeline.js';
import type { PipelineDeps } from './steps.js';
import { pruneImages } from './prune.js';
import { chooseRollbackTarget } from './rollback-target.js';
import { SerialQueue } from './serial-queue.js';
import { SteeringBoard, healSplits } from './gradual.js';
import { routeLabels } from './routing.js';
import { traefikDir } from '../routing/traefik-service.js';

type Scope = { serviceId: number; environmentId: number };
const keyOf = (s: Scope) => `${s.serviceId}:${s.environmentId}`;

export class Deployer {
  private readonly queue = new SerialQueue();
  private readonly running = new Map<number, AbortController>();
  private readonly steering = new SteeringBoard();
  private accepting = true;
  private reconciled = false;

  constructor(private readonly deps: PipelineDeps) {}

  /** Records a queued deployment (superseding queued ones) and schedules it. */
  async request(input: DeploymentRequest): Promise<Deployment> {
    if (!this.accepting) throw new Conflict('Spur is shutting down; try again in a moment');
    const { deployment, superseded } = await queueDeployment(this.deps.db, input);
    for (const id of superseded) await this.deps.logBus.status(id, 'superseded', 'a newer deployment was requested');
    await this.deps.logBus.status(deployment.id, 'queued');
    this.schedule(deployment.id, input);
    return deployment;
  }

  private schedule(id: number, scope: Scope): void {
    void this.queue.enqueue(keyOf(scope), async () => {
      const controller = new AbortController();
      this.running.set(id, controller);
      try {
        await runDeployment({ ...this.deps, steering: this.steering }, id, controller.signal);
      } finally {
        this.running.delete(id);
      }
      if ((await getDeployment(this.deps.db, id)).status === 'active') {
        await pruneImages(this.deps, { keep: this.deps.config.keepImages }).catch((err) => this.deps.log.warn('image prune failed', { error: String(err) }));
      }
    });
  }

  /** What a deploy of the service would build with, fetched now and not built. */
  async preview(scope: Scope): Promise<BuildPreview> {
    return previewBuild(this.deps, await getInstanceContext(this.deps.db, scope));
  }

  /** Runs an earlier deployment's image again, without a rebuild. Without an id, the one that
   *  was active before the current one. */
  async rollback(scope: Scope, by: Requester, deploymentId?: number): Promise<Deployment> {
    const targets = await listRollbackTargets(this.deps.db, scope);
    const target = chooseRollbackTarget(targets, deploymentId);
    if (!target) {
      throw deploymentId === undefined ? new Conflict('there is no earlier deployment of another image to roll back to') : new NotFound(`deployment ${deploymentId} never served this service; it cannot be rolled back to`);
    }
    return this.request({ ...scope, ...by, source: target });
  }

  /** Runs the image another environment's deployment of the service served, without a rebuild,
   *  with this environment's variables. */
  async promote(scope: Scope, source: Deployment, by: Requester): Promise<Deployment> {
    if (source.service_id !== scope.serviceId || source.environment_id === scope.environmentId) throw new Conflict(`deployment ${source.id} is not of this service in another environment`);
    if (!source.image_tag || !['active', 'superseded'].includes(source.status)) throw new Conflict(`deployment ${source.id} never served; only an image that served can be promoted`);
    return this.request({ ...scope, ...by, promotedFrom: source });
  }

  /** Runs the serving image again here, with today's settings and variables (a volume restored
   *  under it, say): recorded as running the serving deployment's image. */
  async redeploy(scope: Scope, by: Requester): Promise<Deployment> {
    const serving = await findActiveDeployment(this.deps.db, scope);
    if (!serving?.image_tag) throw new Conflict('nothing serves here to deploy again');
    return this.request({ ...scope, ...by, promotedFrom: serving });
  }

  /** Steps a canary up now, or sends every request back to the old version (a blue-green
   *  release's switch back). */
  steer(scope: Scope, action: 'next' | 'abort', by: string): void {
    const steering = this.steering.find(keyOf(scope));
    if (!steering) throw new Conflict('no canary or blue-green release is under way here');
    if (action === 'next') steering.next();
    else steering.abort(by);
  }

  /** Cancels what is queued and the build in progress, and stops a canary or blue-green release
   *  under way (every request back to the old version); a rolling update is not interrupted. */
  async cancel(scope: Scope, reason = 'cancelled by request'): Promise<number[]> {
    const cancelled: number[] = [];
    this.steering.find(keyOf(scope))?.abort(reason);
    for (const d of await listDeploymentsInStatus(this.deps.db, ['queued', 'building'])) {
      if (d.service_id !== scope.serviceId || d.environment_id !== scope.environmentId) continue;
      const controller = this.running.get(d.id);
      if (controller) controller.abort(reason);
      else {
        await transitionDeployment(this.deps.db, d.id, 'cancelled', { failure_reason: reason });
        await this.deps.logBus.status(d.id, 'cancelled', reason);
      }
      cancelled.push(d.id);
    }
    return cancelled;
  }

  /** SIGTERM: take no more work, cancel what waits and what builds, let rollouts finish. */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    for (const d of await listDeploymentsInStatus(this.deps.db, ['queued', 'building'])) {
      await this.cancel({ serviceId: d.service_id, environmentId: d.environment_id }, 'Spur was stopped').catch(() => {});
    }
    await Promise.race([this.queue.idle(), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  /** After a restart: builds that were cut off fail ("interrupted"); a rollout that was under
   *  way is watched to its end in Swarm; queued deployments run; Spur's services that no
   *  instance owns any more are removed. */
  async reconcile(): Promise<void> {
    const { db, log, config } = this.deps;
    // First: a split no release of this process runs sends every request to its instance again.
    await this.healSplits().catch((err) => log.error('could not end a traffic split left behind', { error: String(err) }));
    await rm(join(config.dataDir, 'builds'), { recursive: true, force: true });
    for (const d of await listDeploymentsInStatus(db, ['building'])) {
      await transitionDeployment(db, d.id, 'failed', { failure_reason: 'interrupted: Spur stopped during the build' });
      await endDeploymentStep(db, d.id, 'failed');
      log.info('reconciled deployment', { deployment: d.id, was: 'building', now: 'failed' });
    }
    for (const d of await listDeploymentsInStatus(db, ['deploying'])) {
      void this.queue.enqueue(keyOf({ serviceId: d.service_id, environmentId: d.environment_id }), () => this.resumeRollout(d));
    }
    for (const d of await listDeploymentsInStatus(db, ['queued'])) this.schedule(d.id, { serviceId: d.service_id, environmentId: d.environment_id });
    await this.removeOrphans();
  }

  private async resumeRollout(d: Deployment): Promise<void> {
    const { db, docker, log } = this.deps;
    const ctx = await getInstanceContext(db, { serviceId: d.service_id, environmentId: d.environment_id });
    const name = swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name });
    const service = await findService(docker, name);
    let outcome: { to: 'active' } | { to: 'failed'; reason: string } = { to: 'failed', reason: 'interrupted: Spur stopped before the rollout began' };
    if (service?.Spec.Labels?.['spur.deployment'] === String(d.id)) {
      try {
        const imageCheck = d.image_tag ? await imageHealthcheck(docker, d.image_tag) : null;
        const health = healthPlan(ctx.instance, imageCheck);
        await waitForRollout(docker, { serviceName: name, deploymentId: d.id, replicas: ctx.instance.replicas, timeoutMs: rolloutWindowMs(health, ctx.instance.replicas), isUpdate: !!service.PreviousSpec, healthChecked: runsCheck(health, imageCheck) });
        outcome = { to: 'active' };
      } catch (err) {
        outcome = { to: 'failed', reason: `interrupted: ${(err as Error).message}` };
      }
    }
    const current = await getDeployment(db, d.id);
    if (current.status !== 'deploying') return;
    await transitionDeployment(db, d.id, outcome.to, outcome.to === 'failed' ? { failure_reason: outcome.reason } : {});
    await endDeploymentStep(db, d.id, outcome.to === 'active' ? 'done' : 'failed');
    await this.deps.logBus.status(d.id, outcome.to, outcome.to === 'failed' ? outcome.reason : null);
    log.info('reconciled deployment', { deployment: d.id, was: 'deploying', now: outcome.to });
  }

  private async healSplits(): Promise<void> {
    const instances = new Map((await listAllInstances(this.deps.db)).map((i) => [swarmServiceName(i), { serviceId: i.serviceId, environmentId: i.environmentId }]));
    await healSplits({
      docker: this.deps.docker,
      dynamicDir: join(traefikDir(this.deps.config.dataDir), 'dynamic'),
      running: this.steering.names(),
      ownRouting: async (name) => {
        const key = instances.get(name);
        return key && routeLabels({ db: this.deps.db, config: this.deps.config }, key);
      },
      log: this.deps.log,
    });
  }

  private async removeOrphans(): Promise<void> {
    // Once, at Spur's start: when Docker comes back later, runs and jobs under way are this
    // process's own, and are not cut off.
    if (!this.reconciled) {
      const oneOffs = await removeLeftOneOffs(this.deps.docker, this.deps.installId);
      if (oneOffs) this.deps.log.warn('removed one-off containers a restart cut off (pre-deploy commands, runs, jobs)', { count: oneOffs });
      this.reconciled = true;
    }
    const known = new Set((await listAllInstances(this.deps.db)).map((i) => swarmServiceName(i)));
    for (const d of await listAllDatabases(this.deps.db)) known.add(databaseServiceName(d));
    // The new version of a release under way (Docker came back during it) is not an orphan.
    for (const name of this.steering.names()) known.add(nextServiceName(name));
    for (const name of await listOwnedServices(this.deps.docker, this.deps.installId)) {
      if (known.has(name)) continue;
      this.deps.log.warn('removing a Spur service that no instance owns', { service: name });
      await removeOwnedService(this.deps.docker, name);
    }
  }
}
