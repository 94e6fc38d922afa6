// Running tasks of every Spur service, from one task listing shared by the pages that show many
// services: with a hundred services the listing takes tens of milliseconds, so it is taken at
// most once per `maxAgeMs`, and callers arriving while it is taken wait for the same one.
import type { DockerClient } from './client.js';
import { MANAGED_LABEL, swarmServiceName } from './names.js';

export class RunningTasks {
  private snapshot: { at: number; counts: Map<string, number> } | undefined;
  private taking: Promise<Map<string, number>> | undefined;

  constructor(private readonly docker: DockerClient, private readonly maxAgeMs = 2000) {}

  /** Running tasks by Swarm service name (a service with none is absent). */
  async counts(): Promise<Map<string, number>> {
    if (this.snapshot && Date.now() - this.snapshot.at < this.maxAgeMs) return this.snapshot.counts;
    this.taking ??= this.take().finally(() => (this.taking = undefined));
    return this.taking;
  }

  private async take(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const t of (await this.docker.listTasks({ filters: { 'desired-state': ['running'] } })) as any[]) {
      const labels = t.Spec?.ContainerSpec?.Labels ?? {};
      if (labels[MANAGED_LABEL] !== 'true' || t.Status?.State !== 'running') continue;
      const name = swarmServiceName({ project: labels['spur.project'], service: labels['spur.service'], environment: labels['spur.environment'] });
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    this.snapshot = { at: Date.now(), counts };
    return counts;
  }
}
