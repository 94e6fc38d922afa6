// Accepts deployment requests, runs them one at a time per (service, environment), and squares
// records left mid-flight by a previous process with what Swarm runs.
import type { Deployment } from '../db/schema.js';
import { swarmServiceName } from '../docker/names.js';
import { MIN_UPTIME_MS, judgeRollout, listTasks } from '../docker/swarm.js';
import { createDeployment, listDeploymentsInStatus, transitionDeployment } from '../store/deployments.js';
import { getInstanceContext } from '../store/services.js';
import { type PipelineDeps, runDeployment } from './pipeline.js';
import { SerialQueue } from './serial-queue.js';

export class Deployer {
  private readonly queue = new SerialQueue();
  private accepting = true;

  constructor(private readonly deps: PipelineDeps) {}

  /** Records a queued deployment and schedules it; resolves once it is recorded, not when it ends. */
  async request(input: { serviceId: number; environmentId: number; trigger: string }): Promise<Deployment> {
    if (!this.accepting) throw new Error('Spur is shutting down');
    const deployment = await createDeployment(this.deps.db, input);
    void this.queue.enqueue(`${input.serviceId}:${input.environmentId}`, () => runDeployment(this.deps, deployment.id));
    return deployment;
  }

  /** Stops accepting work and waits for what runs to finish. */
  async drain(): Promise<void> {
    this.accepting = false;
    await this.queue.idle();
  }

  /** After a restart: deployments that were mid-flight become `active` when Swarm runs them,
   *  otherwise `failed` with the reason "interrupted". */
  async reconcile(): Promise<void> {
    const { db, docker, log } = this.deps;
    for (const d of await listDeploymentsInStatus(db, ['queued', 'building', 'deploying'])) {
      let running = false;
      if (d.status === 'deploying') {
        const ctx = await getInstanceContext(db, { serviceId: d.service_id, environmentId: d.environment_id });
        const name = swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name });
        const tasks = await listTasks(docker, name).catch(() => []);
        running = judgeRollout(tasks, { deploymentId: d.id, replicas: ctx.instance.replicas, now: Date.now(), minUptimeMs: MIN_UPTIME_MS }).done;
      }
      await transitionDeployment(db, d.id, running ? 'active' : 'failed', running ? {} : { failure_reason: 'interrupted' });
      log.info('reconciled deployment', { deployment: d.id, was: d.status, now: running ? 'active' : 'failed' });
    }
  }
}
