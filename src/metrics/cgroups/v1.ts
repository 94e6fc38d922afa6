// Control groups v1 (Docker 20.10 on older systems, the test machines): one hierarchy per
// controller, each mounted under the root by its name.
import { join } from 'node:path';
import { type CgroupKind, statValue } from './kind.js';

/** v1 writes "no limit" as the largest page-aligned 64-bit number; anything this large is none. */
const NO_LIMIT_FROM = 2 ** 62;

/** The path of a controller's hierarchy from /proc/<pid>/cgroup lines `id:controllers:path`. */
function pathOf(procCgroup: string, controller: string): string | undefined {
  for (const line of procCgroup.split('\n')) {
    // id:controllers:path, and the path may hold colons of its own.
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (match?.[1]!.split(',').includes(controller)) return match[2];
  }
  return undefined;
}

export const cgroupV1: CgroupKind = {
  name: 'v1',
  files(procCgroup, root) {
    const cpu = pathOf(procCgroup, 'cpuacct');
    const memory = pathOf(procCgroup, 'memory');
    if (cpu === undefined || memory === undefined) return null;
    const mem = join(root, 'memory', memory);
    return { cpu: join(root, 'cpuacct', cpu, 'cpuacct.usage'), memory: join(mem, 'memory.usage_in_bytes'), memoryStat: join(mem, 'memory.stat'), memoryLimit: join(mem, 'memory.limit_in_bytes') };
  },
  cpuSeconds: (text) => Number(text.trim()) / 1e9,
  memoryBytes: (usage, stat) => Math.max(0, Number(usage.trim()) - statValue(stat, 'total_inactive_file')),
  memoryLimit(text) {
    const bytes = Number(text.trim());
    return Number.isFinite(bytes) && bytes > 0 && bytes < NO_LIMIT_FROM ? bytes : null;
  },
};
