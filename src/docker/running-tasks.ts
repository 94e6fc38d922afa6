// Running tasks of every Spur service and database, and why one has none, from one task listing
// shared by the pages that show many (shared-listing.ts): with a hundred services the listing
// takes tens of milliseconds.
import type { DockerClient } from './client.js';
import { MANAGED_LABEL, swarmServiceName } from './names.js';
import { SharedListing } from './shared-listing.js';
import { findServiceTasks } from './swarm.js';
import { type TaskFacts, taskProblem } from './task-problem.js';

export interface TaskSummary {
  running: number;
  /** Why a replica is not running, in plain words (task-problem.ts). */
  problem?: string;
}

export class RunningTasks {
  private readonly listing: SharedListing<Map<string, TaskSummary>>;

  constructor(private readonly docker: DockerClient, maxAgeMs = 2000) {
    this.listing = new SharedListing(() => this.take(), maxAgeMs);
  }

  /** Running tasks by Swarm service name (a service with none is absent). */
  async counts(): Promise<Map<string, number>> {
    return new Map([...(await this.summary())].filter(([, s]) => s.running > 0).map(([name, s]) => [name, s.running]));
  }

  /** By Swarm service name (of services and databases): how many tasks run, and why not all do. */
  summary(): Promise<Map<string, TaskSummary>> {
    return this.listing.get();
  }

  private async take(): Promise<Map<string, TaskSummary>> {
    const byService = new Map<string, { running: number; tasks: TaskFacts[] }>();
    for (const t of (await this.docker.listTasks()) as any[]) {
      const labels = t.Spec?.ContainerSpec?.Labels ?? {};
      const service = labels['spur.service'] ?? labels['spur.database'];
      if (labels[MANAGED_LABEL] !== 'true' || !service) continue;
      const name = swarmServiceName({ project: labels['spur.project'], service, environment: labels['spur.environment'] });
      const entry = byService.get(name) ?? { running: 0, tasks: [] };
      if (t.DesiredState === 'running' && t.Status?.State === 'running') entry.running++;
      entry.tasks.push({ slot: t.Slot, state: t.Status?.State, since: Date.parse(t.Status?.Timestamp ?? '') || 0, error: t.Status?.Err, exitCode: t.Status?.ContainerStatus?.ExitCode });
      byService.set(name, entry);
    }
    const summary = new Map<string, TaskSummary>();
    for (const [name, { running, tasks }] of byService) {
      const problem = taskProblem(tasks);
      summary.set(name, problem ? { running, problem } : { running });
    }
    return summary;
  }
}

/** The same for one service, asked of Swarm now (a page that shows one), and whether Docker has
 *  the service at all. */
export async function serviceTaskSummary(docker: DockerClient, serviceName: string): Promise<TaskSummary & { exists: boolean }> {
  const tasks = await findServiceTasks(docker, serviceName);
  if (!tasks) return { exists: false, running: 0 };
  const running = tasks.filter((t) => t.state === 'running' && t.desiredState === 'running').length;
  const problem = taskProblem(tasks);
  return problem ? { exists: true, running, problem } : { exists: true, running };
}
