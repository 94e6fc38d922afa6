// A newer Spur is published.
import { type AlertRuleKind, MINUTE } from './kind.js';

export const updateAvailable: AlertRuleKind = {
  rule: 'update',
  label: 'A Spur update is available',
  policy: { forS: 0, clearS: MINUTE, repeatS: null },
  needsDocker: false,
  conditions: (s) => (s.update ? [{ key: `update:${s.update.version}`, projectId: null, title: `Spur ${s.update.version} is available`, text: 'Update with: spur update (deployments in flight finish first).', path: '/settings' }] : []),
};
