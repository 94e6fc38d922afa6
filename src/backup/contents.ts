// What a backup of Spur holds and how its archives are named, checked and pruned (no I/O).
import { InvalidInput } from '../errors.js';

/** Items of the data dir a backup carries: the database snapshot, the key that seals secrets,
 *  the SSH host key, the install id (it labels the Swarm services this Spur owns) and the
 *  repositories users git-pushed. */
export const DATA_ITEMS = ['spur.db', 'secret.key', 'ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub', 'install-id', 'repos'] as const;
export const MANIFEST = 'manifest.json';
const REQUIRED = [MANIFEST, 'spur.db', 'secret.key'];

export interface Manifest {
  format: 1;
  version: string;
  commit: string;
  createdAt: string;
  migrations: string[];
}

const NAME = /^spur-backup-(\d{8}T\d{6}Z)(?:-\d+)?\.tar\.gz$/;

export function backupFileName(at: Date): string {
  return `spur-backup-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}.tar.gz`;
}

export const isBackupFileName = (name: string) => NAME.test(name);

/** The archives beyond the newest `keep` (names sort by time). */
export function backupsToPrune(names: string[], keep: number): string[] {
  return names.filter(isBackupFileName).sort().reverse().slice(keep);
}

/** Every entry an archive lists must be one of the items (or inside `repos/`), relative, with no `..`. */
export function checkArchiveEntries(entries: string[]): void {
  const seen = new Set<string>();
  for (const raw of entries) {
    const entry = raw.replace(/^\.\//, '').replace(/\/$/, '');
    if (entry === '' || entry === '.') continue;
    const parts = entry.split('/');
    if (entry.startsWith('/') || parts.includes('..') || parts.includes('')) throw new InvalidInput('backup', `the archive holds a path Spur does not write: ${JSON.stringify(raw)}`);
    if (!(parts[0] === MANIFEST || (DATA_ITEMS as readonly string[]).includes(parts[0])) || (parts.length > 1 && parts[0] !== 'repos')) {
      throw new InvalidInput('backup', `the archive holds ${JSON.stringify(raw)}, which is not part of a Spur backup`);
    }
    seen.add(parts[0]);
  }
  const missing = REQUIRED.filter((name) => !seen.has(name));
  if (missing.length) throw new InvalidInput('backup', `not a Spur backup: ${missing.join(', ')} missing`);
}

/** A manifest read from an archive, with the migrations its database holds that this Spur (of
 *  `version`) does not know: then it was taken by a newer Spur, which must be installed first. */
export function checkManifest(value: unknown, unknown: string[], version: string): Manifest {
  const m = value as Partial<Manifest> | null;
  if (!m || m.format !== 1 || typeof m.version !== 'string' || !Array.isArray(m.migrations)) throw new InvalidInput('backup', 'not a Spur backup: its manifest is unreadable');
  if (unknown.length) throw new InvalidInput('backup', `this backup was taken by Spur ${m.version}, whose database is newer than Spur ${version} knows (${unknown.join(', ')}); update Spur first (spur update --version ${m.version})`);
  return m as Manifest;
}
