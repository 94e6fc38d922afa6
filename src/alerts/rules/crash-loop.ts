// A service's or database's tasks keep ending on their own: three exits in ten minutes.
import { type AlertRuleKind, MINUTE } from './kind.js';
import { databasePath, label, servicePath } from './snapshot.js';

export const CRASH_LOOP_EXITS = 3;

export const crashLoop: AlertRuleKind = {
  rule: 'crash-loop',
  label: 'Crash-looping (3 exits in 10 minutes)',
  policy: { forS: 0, clearS: 5 * MINUTE, repeatS: 4 * 60 * MINUTE },
  needsDocker: true,
  conditions: (s) =>
    [...s.services.map((v) => ({ v, path: servicePath(v) })), ...s.databases.map((v) => ({ v, path: databasePath(v) }))]
      .filter(({ v }) => (s.recentExits.get(v.series) ?? 0) >= CRASH_LOOP_EXITS)
      .map(({ v, path }) => ({ key: `crash-loop:${v.series}`, projectId: v.projectId, title: `${label(v)} is crash-looping`, text: `Its tasks ended on their own ${s.recentExits.get(v.series)} times in the last 10 minutes; the Metrics tab lists each exit with its reason.`, path })),
};
