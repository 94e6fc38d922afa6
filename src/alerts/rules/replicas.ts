// A deployed service runs fewer tasks than it asks for, or its health check fails, for 3 minutes.
import { type AlertRuleKind, MINUTE } from './kind.js';
import { label, servicePath } from './snapshot.js';

export const replicasDown: AlertRuleKind = {
  rule: 'replicas',
  label: 'Below its replicas or failing its health check (3 minutes)',
  policy: { forS: 3 * MINUTE, clearS: 2 * MINUTE, repeatS: 4 * 60 * MINUTE },
  needsDocker: true,
  conditions: (s) =>
    s.services
      .filter((v) => v.serving && !v.deploying && v.running !== undefined && v.replicas > 0 && v.running < v.replicas)
      .map((v) => ({ key: `replicas:${v.series}`, projectId: v.projectId, title: `${label(v)} runs ${v.running} of ${v.replicas} replicas`, text: v.problem ? `Why: ${v.problem}.` : 'Swarm has not started the others.', path: servicePath(v) })),
};
