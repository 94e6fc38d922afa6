// Which of the tasks that stopped running ended on their own, and why, in a person's words: a task
// Spur or Swarm stopped on purpose (a new version rolled out, scaled down, a server drained) ends
// "shutdown" and is not an exit; one that crashed, ran out of memory, failed its health check or
// finished by itself is, and Swarm starts another in its place. Pure.
import { ENDED_BADLY, plainTaskError } from '../docker/task-problem.js';
import type { TaskExit } from '../store/metrics.js';

/** A task as Docker lists it, what of it is read here. */
export interface ListedTask {
  ID: string;
  Slot?: number;
  Status?: { State?: string; Err?: string; Timestamp?: string; ContainerStatus?: { ExitCode?: number } };
}

export function exitOf(task: ListedTask, series: string, nowS: number): TaskExit | null {
  const state = task.Status?.State ?? '';
  if (!ENDED_BADLY.has(state)) return null;
  const error = task.Status?.Err;
  const exitCode = task.Status?.ContainerStatus?.ExitCode;
  const reason = /unhealthy/i.test(error ?? '') ? 'it failed its health check' : plainTaskError({ state, error, exitCode });
  const at = Date.parse(task.Status?.Timestamp ?? '') / 1000;
  return { series, task_id: task.ID, at: Number.isFinite(at) ? Math.floor(at) : nowS, slot: task.Slot ?? null, state, exit_code: exitCode ?? null, reason };
}
