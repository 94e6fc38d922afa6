// A service's or database's memory above 90% of its limit, for 5 minutes.
import { type AlertRuleKind, MINUTE } from './kind.js';
import { databasePath, label, servicePath } from './snapshot.js';

export const MEMORY_SHARE = 0.9;

export const memoryHigh: AlertRuleKind = {
  rule: 'memory',
  label: 'Memory above 90% of its limit (5 minutes)',
  policy: { forS: 5 * MINUTE, clearS: 2 * MINUTE, repeatS: 4 * 60 * MINUTE },
  needsDocker: true,
  conditions: (s) =>
    [...s.services.map((v) => ({ v, path: servicePath(v) })), ...s.databases.map((v) => ({ v, path: databasePath(v) }))].flatMap(({ v, path }) => {
      const p = s.points.get(v.series);
      if (!p?.memory_limit || p.memory / p.memory_limit <= MEMORY_SHARE) return [];
      const pct = Math.round((100 * p.memory) / p.memory_limit);
      return [{ key: `memory:${v.series}`, projectId: v.projectId, title: `${label(v)} uses ${pct}% of its memory limit`, text: `${mib(p.memory)} of ${mib(p.memory_limit)} MiB; at the limit its tasks are killed and restarted.`, path }];
    }),
};

const mib = (bytes: number) => Math.round(bytes / 1048576);
