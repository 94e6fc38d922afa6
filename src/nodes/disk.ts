// How full a server's disk is where Docker keeps its images and volumes. Pure parsing, and the
// manager's own figure.
import { statfs } from 'node:fs/promises';

export interface DiskSpace {
  totalBytes: number;
  freeBytes: number;
}

/** The first filesystem `df -Pk` reports (POSIX output: 1024-byte blocks). */
export function parseDf(text: string): DiskSpace | null {
  const line = text.trim().split('\n')[1];
  const fields = line?.trim().split(/\s+/) ?? [];
  const total = Number(fields[1]);
  const free = Number(fields[3]);
  if (fields.length < 6 || !Number.isFinite(total) || !Number.isFinite(free)) return null;
  return { totalBytes: total * 1024, freeBytes: free * 1024 };
}

/** The fixed command a server answers with its disk: Docker's directory, or / without Docker's. */
export const DF_COMMAND = 'df -Pk /var/lib/docker 2>/dev/null || df -Pk /';

/** This server's disk, where Docker keeps its data (or the path the owner named: SPUR_DISK_PATH). */
export async function localDisk(paths: readonly string[] = ['/var/lib/docker', '/']): Promise<DiskSpace | null> {
  for (const path of paths) {
    try {
      const s = await statfs(path);
      return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
    } catch {}
  }
  return null;
}
