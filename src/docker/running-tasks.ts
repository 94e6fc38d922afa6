// Running tasks of every Spur service and database, and why one has none, from one task listing
// shared by the pages that show many: with a hundred services the listing takes tens of
// milliseconds, so it is taken at most once per `maxAgeMs`, and callers arriving while it is
// taken wait for the same one. While pages keep asking, it is taken again ahead of time (in the
// last `AHEAD_MS` of its age), so that no page waits for Docker and none is shown a listing older
// than `maxAgeMs`. Not earlier: each listing is a large answer to parse and collect.
import type { DockerClient } from './client.js';
import { MANAGED_LABEL, swarmServiceName } from './names.js';
import { findServiceTasks } from './swarm.js';
import { type TaskFacts, taskProblem } from './task-problem.js';

export interface TaskSummary {
  running: number;
  /** Why a replica is not running, in plain words (task-problem.ts). */
  problem?: string;
}

/** How long before a listing is too old the next one is taken, while pages keep asking: longer than Docker takes to list. */
export const AHEAD_MS = 500;

export class RunningTasks {
  private snapshot: { at: number; tookMs: number; summary: Map<string, TaskSummary> } | undefined;
  private taking: Promise<Map<string, TaskSummary>> | undefined;

  constructor(private readonly docker: DockerClient, private readonly maxAgeMs = 2000) {}

  /** Running tasks by Swarm service name (a service with none is absent). */
  async counts(): Promise<Map<string, number>> {
    return new Map([...(await this.summary())].filter(([, s]) => s.running > 0).map(([name, s]) => [name, s.running]));
  }

  /** By Swarm service name (of services and databases): how many tasks run, and why not all do. */
  async summary(): Promise<Map<string, TaskSummary>> {
    const age = this.snapshot ? Date.now() - this.snapshot.at : Infinity;
    if (this.snapshot && age < this.maxAgeMs) {
      // Not when Docker is slow to list: listings would follow one another while pages ask.
      if (age >= this.maxAgeMs - Math.min(AHEAD_MS, this.maxAgeMs / 2) && this.snapshot.tookMs < AHEAD_MS) this.takeOnce().catch(() => {});
      return this.snapshot.summary;
    }
    return this.takeOnce();
  }

  private takeOnce(): Promise<Map<string, TaskSummary>> {
    this.taking ??= this.take().finally(() => (this.taking = undefined));
    return this.taking;
  }

  private async take(): Promise<Map<string, TaskSummary>> {
    const askedAt = Date.now();
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
    this.snapshot = { at: askedAt, tookMs: Date.now() - askedAt, summary };
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
