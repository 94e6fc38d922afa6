// The control group versions Spur reads (kind.ts says what each one answers).
import type { CgroupFiles, CgroupKind } from './kind.js';
import { cgroupV1 } from './v1.js';
import { cgroupV2 } from './v2.js';

export type { CgroupFiles, CgroupKind } from './kind.js';
export const CGROUP_KINDS: CgroupKind[] = [cgroupV1, cgroupV2];

/** The version and files of a process's counters, from its /proc/<pid>/cgroup. */
export function cgroupOf(procCgroup: string, root = '/sys/fs/cgroup'): { kind: CgroupKind; files: CgroupFiles } | null {
  for (const kind of CGROUP_KINDS) {
    const files = kind.files(procCgroup, root);
    if (files) return { kind, files };
  }
  return null;
}
