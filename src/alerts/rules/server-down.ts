// A server of the Swarm is not ready (down, or not answering its manager) for 2 minutes.
import { type AlertRuleKind, MINUTE } from './kind.js';

export const serverDown: AlertRuleKind = {
  rule: 'server',
  label: 'Server unreachable (2 minutes)',
  policy: { forS: 2 * MINUTE, clearS: MINUTE, repeatS: 4 * 60 * MINUTE },
  needsDocker: true,
  conditions: (s) =>
    s.servers
      .filter((server) => server.status !== 'ready')
      .map((server) => ({ key: `server:${server.name}`, projectId: null, title: `Server ${server.name} is ${server.status}`, text: 'Swarm moves its tasks to the other servers; the ones pinned to it wait for it.', path: `/servers/${server.name}` })),
};
