// Control groups v2 (Debian 12, Ubuntu 22.04 and later): one hierarchy, every controller's
// files in the group's own directory.
import { join } from 'node:path';
import { type CgroupKind, statValue } from './kind.js';

export const cgroupV2: CgroupKind = {
  name: 'v2',
  files(procCgroup, root) {
    const line = procCgroup.split('\n').find((l) => l.startsWith('0::'));
    // A v1 host lists its controllers too (the 0:: line of a hybrid mount is not the container's).
    if (!line || procCgroup.split('\n').some((l) => /^\d+:[^:]*\bcpuacct\b/.test(l))) return null;
    const dir = join(root, line.slice(3));
    return { cpu: join(dir, 'cpu.stat'), memory: join(dir, 'memory.current'), memoryStat: join(dir, 'memory.stat'), memoryLimit: join(dir, 'memory.max') };
  },
  cpuSeconds: (text) => statValue(text, 'usage_usec') / 1e6,
  memoryBytes: (usage, stat) => Math.max(0, Number(usage.trim()) - statValue(stat, 'inactive_file')),
  memoryLimit(text) {
    const bytes = Number(text.trim());
    return text.trim() === 'max' || !Number.isFinite(bytes) || bytes <= 0 ? null : bytes;
  },
};
