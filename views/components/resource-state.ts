// The one place the canvas and the dashboard turn a service's or database's facts into a state
// in words (never colour alone). Pure. Another module may replace this function's body with the
// shared status model; its callers only read { kind, words, detail }.
import type { DeploymentStatus } from '../../src/db/schema.js';

export type StateKind = 'ok' | 'working' | 'degraded' | 'down' | 'idle' | 'unknown';

export interface ResourceState {
  /** For styling and sorting only: the words say the same. */
  kind: StateKind;
  /** A few words a person would say: "serving", "serving, last deploy failed", "starting". */
  words: string;
  /** One more sentence, or null. */
  detail: string | null;
}

export type StateInput =
  | {
      type: 'service';
      /** The deployment that serves, if any. */
      serving: number | null;
      /** The latest attempt when it is not the one that serves. */
      latest: { id: number; status: DeploymentStatus } | null;
      /** Running replicas; null when Docker cannot be asked. */
      running: number | null;
      replicas: number;
    }
  | { type: 'database'; running: number | null };

const IN_PROGRESS: readonly DeploymentStatus[] = ['queued', 'building', 'deploying'];

export function resourceState(input: StateInput): ResourceState {
  if (input.type === 'database') {
    if (input.running === null) return { kind: 'unknown', words: 'state unknown', detail: 'Docker cannot be asked right now' };
    return input.running > 0 ? { kind: 'ok', words: 'running', detail: null } : { kind: 'working', words: 'starting', detail: 'not running yet' };
  }
  const { serving, latest, running } = input;
  if (serving !== null) {
    if (latest && IN_PROGRESS.includes(latest.status)) return { kind: 'working', words: `serving, #${latest.id} ${latest.status}`, detail: `#${serving} serves until #${latest.id} is ready` };
    if (latest?.status === 'failed') return { kind: 'degraded', words: 'serving, last deploy failed', detail: `#${latest.id} failed; #${serving} keeps serving` };
    if (running === 0 && input.replicas > 0) return { kind: 'down', words: 'down', detail: `no replica of #${serving} is running` };
    return { kind: 'ok', words: 'serving', detail: null };
  }
  if (!latest) return { kind: 'idle', words: 'never deployed', detail: null };
  if (IN_PROGRESS.includes(latest.status)) return { kind: 'working', words: `#${latest.id} ${latest.status}`, detail: 'nothing serves yet' };
  if (latest.status === 'failed') return { kind: 'down', words: 'down, last deploy failed', detail: `#${latest.id} failed and nothing serves` };
  return { kind: 'idle', words: 'not serving', detail: `#${latest.id} ${latest.status}` };
}

/** Services and databases whose state needs a person: down, or serving while the last attempt failed. */
export const needsAttention = (s: ResourceState) => s.kind === 'down' || s.kind === 'degraded';
