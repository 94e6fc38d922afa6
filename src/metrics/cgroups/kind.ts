// How one version of Linux control groups lays out a container's CPU and memory counters. The
// sampler reads them straight from the host's files, a few small reads per container, instead of
// asking Docker for each container's stats. One descriptor per version (v1.ts, v2.ts).

/** The files of one container's counters, absolute paths. */
export interface CgroupFiles {
  cpu: string;
  memory: string;
  memoryStat: string;
  memoryLimit: string;
}

export interface CgroupKind {
  name: 'v1' | 'v2';
  /** The counters' files of the process whose /proc/<pid>/cgroup reads `procCgroup`; null when
   *  that file is not of this version. `root` is where the hierarchies are mounted. */
  files(procCgroup: string, root: string): CgroupFiles | null;
  /** CPU time used so far, in seconds, from the `cpu` file's text. */
  cpuSeconds(text: string): number;
  /** Memory in use, in bytes: the usage without the page cache the kernel can drop at once
   *  (inactive file pages), as `docker stats` counts it. */
  memoryBytes(usage: string, stat: string): number;
  /** The memory limit in bytes; null when there is none. */
  memoryLimit(text: string): number | null;
}

/** A `key value` line's value from a stat file (memory.stat, cpu.stat); 0 when absent. */
export function statValue(stat: string, key: string): number {
  const line = stat.split('\n').find((l) => l.startsWith(`${key} `));
  return line ? Number(line.slice(key.length + 1)) || 0 : 0;
}
