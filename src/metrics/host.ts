// A server's own counters, from the kernel's files (the same files whether read here or over SSH
// from an enrolled server): CPU busy time from /proc/stat, memory in use from /proc/meminfo (what
// `free` calls used: total less available), the 1-minute load average, and the bytes of the
// interface the default route leaves by (the others are Docker's bridges and the containers'
// veths, whose bytes that interface carries already). Pure parsing.
import { parseNetDev } from './net-dev.js';
import type { Counters } from './window.js';

/** The files read for a server, under its /proc. */
export const HOST_FILES = ['stat', 'meminfo', 'loadavg', 'net/route', 'net/dev'] as const;
export type HostFiles = Record<(typeof HOST_FILES)[number], string>;

/** Clock ticks a second in /proc/stat: USER_HZ, 100 on every Linux Docker runs on. */
const USER_HZ = 100;

export interface HostCounters extends Counters {
  load: number;
}

/** Seconds the CPUs were busy (all but idle and iowait), summed over CPUs. */
export function busySeconds(stat: string): number {
  const cpu = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!cpu) return Number.NaN;
  // user nice system idle iowait irq softirq steal (guest time is in user already)
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / USER_HZ;
}

/** Bytes in use and in all, from /proc/meminfo (kB). */
export function memoryOf(meminfo: string): { used: number; total: number } {
  const kb = (key: string) => Number(meminfo.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))?.[1] ?? Number.NaN) * 1024;
  const total = kb('MemTotal');
  return { used: total - kb('MemAvailable'), total };
}

/** The interface of the default route; undefined without one (every interface is counted then). */
export function defaultInterface(route: string): string | undefined {
  for (const line of route.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === '00000000' && mask === '00000000') return iface;
  }
  return undefined;
}

export function hostCounters(files: HostFiles, atS: number): HostCounters {
  const memory = memoryOf(files.meminfo);
  return { atS, cpuS: busySeconds(files.stat), memory: memory.used, memoryLimit: memory.total, ...parseNetDev(files['net/dev'], defaultInterface(files['net/route'])), load: Number(files.loadavg.split(' ')[0]) };
}
