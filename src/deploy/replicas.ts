// The Replicas fact of a service in words: how many of the wanted tasks run, and, when fewer do,
// why as far as Spur knows (nothing deployed yet, a deploy under way, the service gone). Pure.
import type { DeploymentStatus } from '../db/schema.js';

export interface ReplicaFacts {
  /** Replicas the service asks for. */
  desired: number;
  /** Tasks running now; null when Docker did not answer. */
  running: number | null;
  /** Whether Docker has the service at all (a failed first deploy removes it). */
  exists: boolean;
  /** Status of the latest deployment; undefined when there is none. */
  latest?: DeploymentStatus;
  /** Whether a deployment is recorded as serving. */
  serving: boolean;
}

const IN_PROGRESS: DeploymentStatus[] = ['queued', 'building', 'deploying'];

export function describeReplicas(f: ReplicaFacts): string {
  if (f.running === null) return `unknown: Docker did not answer (${f.desired} wanted)`;
  const count = `${f.running} of ${f.desired} running`;
  if (f.running >= f.desired) return count;
  const underWay = f.latest !== undefined && IN_PROGRESS.includes(f.latest);
  if (!f.exists) {
    if (f.serving) return `${count}: the service is missing from Docker; deploy again to start it`;
    if (underWay) return `${count}: the first version is being deployed`;
    if (f.latest === 'failed') return `${count}: no version has started yet (the last deploy failed)`;
    return `${count}: no version has started yet`;
  }
  if (underWay) return `${count}: a deploy is under way`;
  return `${count}: ${f.desired - f.running === 1 ? 'one is' : `${f.desired - f.running} are`} starting or restarting`;
}
