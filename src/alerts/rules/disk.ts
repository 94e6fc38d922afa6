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
      return [{ key: `disk:${server.name}`, projectId: null, title: `Server ${server.name}'s disk is ${Math.round((100 * p.disk) / p.disk_size)}% full`, text: `${sizes(p.disk, p.disk_size)} used. Builds and deploys fail once it is full: free space (old images are pruned nightly, keeping SPUR_KEEP_IMAGES a service) or grow the disk.`, path: `/servers/${server.name}` }];
    }),
};

/** "41.2 of 50.0 GiB", or in MiB for a disk under a GiB. */
function sizes(used: number, size: number): string {
  const [unit, div] = size >= 1073741824 ? ['GiB', 1073741824] : ['MiB', 1048576];
  const f = (b: number) => (unit === 'GiB' ? (b / div).toFixed(1) : Math.round(b / div).toString());
  return `${f(used)} of ${f(size)} ${unit}`;
}
