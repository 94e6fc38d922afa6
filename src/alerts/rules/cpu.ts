// A service's CPU pinned at its limit (95% of it, every task's together) for 10 minutes.
import { type AlertRuleKind, MINUTE } from './kind.js';
import { label, servicePath } from './snapshot.js';

export const CPU_SHARE = 0.95;

export const cpuPinned: AlertRuleKind = {
  rule: 'cpu',
  label: 'CPU pinned at its limit (10 minutes)',
  policy: { forS: 10 * MINUTE, clearS: 2 * MINUTE, repeatS: 4 * 60 * MINUTE },
  needsDocker: true,
  conditions: (s) =>
    s.services.flatMap((v) => {
      const p = s.points.get(v.series);
      if (!p || !v.cpuLimit || !p.tasks) return [];
      const cap = v.cpuLimit * p.tasks * 1000;
      if (p.cpu / cap < CPU_SHARE) return [];
      return [{ key: `cpu:${v.series}`, projectId: v.projectId, title: `${label(v)} is using all the CPU it may`, text: `${(p.cpu / 1000).toFixed(2)} of ${(cap / 1000).toFixed(2)} cores (${p.tasks} task${p.tasks === 1 ? '' : 's'} at ${v.cpuLimit} each): requests wait. Raise its limit or its replicas, or turn on autoscaling.`, path: servicePath(v) }];
    }),
};
