// A server's disk (where Docker keeps its data) over 85% full.
import { type AlertRuleKind, MINUTE } from './kind.js';

export const DISK_SHARE = 0.85;

export const diskFull: AlertRuleKind = {
  rule: 'disk',
  label: 'Disk above 85% on a server',
  policy: { forS: 0, clearS: 5 * MINUTE, repeatS: 24 * 60 * MINUTE },
  needsDocker: true,
  conditions: (s) =>
    s.servers.flatMap((server) => {
      const p = s.points.get(server.series);
      if (p?.disk == null || !p.disk_size || p.disk / p.disk_size <= DISK_SHARE) return [];
      const gib = (b: number) => (b / 1073741824).toFixed(1);
      return [{ key: `disk:${server.name}`, projectId: null, title: `Server ${server.name}'s disk is ${Math.round((100 * p.disk) / p.disk_size)}% full`, text: `${gib(p.disk)} of ${gib(p.disk_size)} GiB used where Docker keeps its data. Builds and deploys fail once it is full: remove old images (spur prune) or grow the disk.`, path: `/servers/${server.name}` }];
    }),
};
