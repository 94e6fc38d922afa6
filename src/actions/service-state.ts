// The state of a service or database as every view shows it (dashboard, project page, service and
// database pages, and whoever renders status next): a kind that picks the colour, and the words
// that say the same without colour. Pure: computed from facts the pages already read.
import type { DeploymentStatus } from '../db/schema.js';

/** serving: what should run runs · attention: it serves, but its last attempt failed or fewer
 *  replicas run than asked · working: a deployment or start is under way · down: nothing serves
 *  that should · none: never deployed · unknown: Docker cannot be asked. */
export type StateKind = 'serving' | 'attention' | 'working' | 'down' | 'none' | 'unknown';

export interface ShownState {
  kind: StateKind;
  /** A few words a person would say: "serving #3, #5 failed". */
  words: string;
  /** Why, when something is wrong: the failure's reason or Docker's, in plain words. */
  detail?: string;
}

export interface ServiceFacts {
  /** The deployment that serves, if any. */
  serving: number | null;
  /** The latest attempt, whatever became of it. */
  latest: { id: number; status: DeploymentStatus; failureReason: string | null } | null;
  /** Tasks running now; null when Docker cannot be asked. */
  running: number | null;
  replicas: number;
  /** Why tasks do not run, from Docker (docker/task-problem.ts). */
  problem?: string;
}

const UNDER_WAY: DeploymentStatus[] = ['queued', 'building', 'deploying'];

const withDetail = (s: ShownState, detail: string | null | undefined): ShownState => (detail ? { ...s, detail } : s);

export function serviceState(f: ServiceFacts): ShownState {
  const latest = f.latest && f.latest.id !== f.serving ? f.latest : null;
  if (latest && UNDER_WAY.includes(latest.status)) return { kind: 'working', words: f.serving ? `serving #${f.serving}, deploying #${latest.id}` : `deploying #${latest.id}` };
  if (f.serving === null) {
    if (latest?.status === 'failed') return withDetail({ kind: 'down', words: `down: #${latest.id} failed` }, latest.failureReason);
    if (latest?.status === 'cancelled') return { kind: 'none', words: `not deployed: #${latest.id} cancelled` };
    return { kind: 'none', words: latest ? 'nothing serves' : 'never deployed' };
  }
  if (f.running === null) return { kind: 'unknown', words: `serving #${f.serving} (Docker is not answering)` };
  if (f.running === 0) return { kind: 'down', words: 'down', detail: f.problem ?? `none of its ${f.replicas} replica${f.replicas === 1 ? '' : 's'} runs` };
  if (latest?.status === 'failed') return withDetail({ kind: 'attention', words: `serving #${f.serving}, #${latest.id} failed` }, latest.failureReason);
  if (f.running < f.replicas) return withDetail({ kind: 'attention', words: `serving #${f.serving}, ${f.running} of ${f.replicas} running` }, f.problem);
  return { kind: 'serving', words: `serving #${f.serving}` };
}

/** A database runs as soon as it is created: starting until its task runs, down once Docker
 *  says why it cannot. */
export function databaseState(f: { running: number | null; problem?: string | null }): ShownState {
  if (f.running === null) return { kind: 'unknown', words: 'unknown (Docker is not answering)' };
  if (f.running > 0) return { kind: 'serving', words: 'running' };
  if (f.problem) return { kind: 'down', words: 'down', detail: f.problem };
  return { kind: 'working', words: 'starting' };
}

/** Most urgent first: the order a summary lists kinds in, and the one its single mark shows. */
export const KIND_ORDER: StateKind[] = ['down', 'attention', 'working', 'unknown', 'serving', 'none'];

export function worstKind(kinds: StateKind[]): StateKind {
  return KIND_ORDER.find((k) => kinds.includes(k)) ?? 'none';
}
