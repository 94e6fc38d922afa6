// How many replicas a service with autoscaling should run, from its newest minute, pure: as many
// as bring its use per task to its target (CPU and/or memory, the larger need wins), within its
// bounds. A use within 10% of the target changes nothing; after a change, another waits a
// cool-down (a minute to add, five to take away), so that a new task's start, or one quiet
// minute, does not flap the count.

export interface AutoscaleSettings {
  min: number;
  max: number;
  /** Target use per task, percent of its CPU limit (of a core without one); null: not by CPU. */
  cpu: number | null;
  /** Target use per task, percent of its memory limit; null: not by memory. */
  memory: number | null;
}

export interface TaskUse {
  /** Cores, every task's together (the minute's mean). */
  cpu: number;
  /** Bytes, every task's together. */
  memory: number;
  /** Tasks that ran in the minute. */
  tasks: number;
}

export const TOLERANCE = 0.1;
export const UP_COOL_DOWN_S = 60;
export const DOWN_COOL_DOWN_S = 300;

export interface ScaleDecision {
  replicas: number;
  /** In words, for the history and the notification: "CPU 180% of its target". */
  reason: string;
}

/** The replicas to run now; null: leave them. */
export function autoscaleDecision(s: AutoscaleSettings, current: number, use: TaskUse | null, limits: { cpu: number | null; memoryBytes: number | null }, lastChange: { atS: number } | null, nowS: number, coolDown = { upS: UP_COOL_DOWN_S, downS: DOWN_COOL_DOWN_S }): ScaleDecision | null {
  // Scaled to 0 by a person: stopped, and left so.
  if (current === 0) return null;
  if (current < s.min) return { replicas: s.min, reason: `below its minimum of ${s.min}` };
  if (current > s.max) return { replicas: s.max, reason: `above its maximum of ${s.max}` };
  if (!use || use.tasks <= 0) return null;
  const needs: { want: number; says: string }[] = [];
  if (s.cpu !== null) {
    const ratio = use.cpu / use.tasks / (limits.cpu ?? 1) / (s.cpu / 100);
    needs.push({ want: ratio, says: `CPU at ${Math.round(ratio * 100)}% of its target (${s.cpu}% ${limits.cpu ? 'of its limit' : 'of a core'} a task)` });
  }
  if (s.memory !== null && limits.memoryBytes) {
    const ratio = use.memory / use.tasks / limits.memoryBytes / (s.memory / 100);
    needs.push({ want: ratio, says: `memory at ${Math.round(ratio * 100)}% of its target (${s.memory}% of its limit a task)` });
  }
  if (!needs.length) return null;
  const need = needs.reduce((a, b) => (b.want > a.want ? b : a));
  if (Math.abs(need.want - 1) <= TOLERANCE) return null;
  // The tasks that ran carry the load: replicas still starting are counted as the ones asked for.
  const wanted = Math.min(s.max, Math.max(s.min, Math.ceil(current * need.want - 1e-9)));
  if (wanted === current) return null;
  const up = wanted > current;
  if (lastChange && nowS - lastChange.atS < (up ? coolDown.upS : coolDown.downS)) return null;
  return { replicas: wanted, reason: need.says };
}
