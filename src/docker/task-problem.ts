// Why a Swarm service has nothing running, from its tasks, in a person's words: the one reading of
// task errors that service and database statuses share. Pure.
import type { TaskView } from './swarm.js';

export type TaskFacts = Pick<TaskView, 'state' | 'since'> & Partial<Pick<TaskView, 'slot' | 'error' | 'exitCode'>>;

/** States a task ends in without having been stopped on purpose. */
export const ENDED_BADLY = new Set(['failed', 'rejected', 'orphaned', 'complete']);

/** Docker's error for one task, in plain words. */
export function plainTaskError(t: { state?: string; error?: string; exitCode?: number }): string {
  const error = t.error?.trim() ?? '';
  const image = /^No such image: (\S+)/i.exec(error);
  if (image) return `Docker cannot find the image ${image[1]}`;
  if (t.exitCode === 137) return 'it was stopped with code 137 (out of memory, or killed)';
  const exit = /non-zero exit \((\d+)\)/.exec(error);
  if (exit || (t.exitCode !== undefined && t.exitCode !== 0)) return `it exited with code ${exit ? exit[1] : t.exitCode}`;
  const node = /^no suitable node \((.*)\)$/.exec(error);
  if (node) return `no server can run it (${node[1]})`;
  const start = /^starting container failed: (.*)$/.exec(error);
  if (start) return `its container could not start: ${start[1]}`;
  if (!error) return `it stopped by itself (exit code ${t.exitCode ?? 0})`;
  return `Docker could not run it: ${error}`;
}

/** Why nothing runs in a slot of the service, if that is so: per slot, the newest task that
 *  failed, unless a newer one of that slot runs or was stopped on purpose (a replaced version, a
 *  rollback). Tasks waiting for their turn are passed over: Swarm makes one after each failure. */
export function taskProblem(tasks: TaskFacts[]): string | undefined {
  const slots = new Map<number | undefined, TaskFacts[]>();
  for (const t of tasks) slots.set(t.slot, [...(slots.get(t.slot) ?? []), t]);
  for (const slot of [...slots.keys()].sort((a, b) => (a ?? 0) - (b ?? 0))) {
    for (const t of slots.get(slot)!.sort((a, b) => b.since - a.since)) {
      if (t.state === 'running' || t.state === 'shutdown' || t.state === 'remove') break;
      if (ENDED_BADLY.has(t.state)) return plainTaskError(t);
    }
  }
  return undefined;
}
