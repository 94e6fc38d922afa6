// Spur's own backups: one tar.gz (0600) with a consistent database snapshot and the files that
// make the data dir whole (src/backup/contents.ts lists them); restoring puts them back and keeps
// what they replaced aside.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appliedMigrations, snapshotDatabase } from '../db/snapshot.js';
import { unknownMigrations } from '../db/migrations/index.js';
import { InvalidInput } from '../errors.js';
import { COMMIT, VERSION } from '../version.js';
import { DATA_ITEMS, MANIFEST, type Manifest, backupFileName, backupsToPrune, checkArchiveEntries, checkManifest, isBackupFileName } from './contents.js';

const run = promisify(execFile);
const TAR_LIMITS = { maxBuffer: 64 * 1024 * 1024 };

export const backupsDir = (dataDir: string) => join(dataDir, 'backups');

export interface BackupFile {
  name: string;
  file: string;
  bytes: number;
  createdAt: string;
}

export async function createBackup(dataDir: string, dir = backupsDir(dataDir)): Promise<BackupFile> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dataDir, '.backup-'));
  try {
    const createdAt = new Date();
    await snapshotDatabase(join(dataDir, 'spur.db'), join(staging, 'spur.db'));
    const manifest: Manifest = { format: 1, version: VERSION, commit: COMMIT, createdAt: createdAt.toISOString(), migrations: appliedMigrations(join(staging, 'spur.db')) };
    writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    let name = backupFileName(createdAt);
    for (let n = 2; existsSync(join(dir, name)); n++) name = backupFileName(createdAt).replace('.tar.gz', `-${n}.tar.gz`);
    const file = join(dir, name);
    const partial = `${file}.partial`;
    writeFileSync(partial, '', { mode: 0o600 });
    const fromDataDir = DATA_ITEMS.filter((item) => item !== 'spur.db' && existsSync(join(dataDir, item)));
    await run('tar', ['-czf', partial, '-C', staging, MANIFEST, 'spur.db', ...(fromDataDir.length ? ['-C', dataDir, ...fromDataDir] : [])], TAR_LIMITS);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
    return { name, file, bytes: statSync(file).size, createdAt: manifest.createdAt };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function listBackups(dir: string): BackupFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isBackupFileName)
    .sort()
    .reverse()
    .map((name) => {
      const st = statSync(join(dir, name));
      return { name, file: join(dir, name), bytes: st.size, createdAt: st.mtime.toISOString() };
    });
}

export function pruneBackups(dir: string, keep: number): string[] {
  const gone = backupsToPrune(listBackups(dir).map((b) => b.name), keep);
  for (const name of gone) rmSync(join(dir, name), { force: true });
  return gone;
}

/** Restores an archive into the data dir (Spur must not be running). What it replaces moves to
 *  `<data dir>/replaced-<time>/`, which is returned. */
export async function restoreBackup(dataDir: string, archive: string): Promise<{ manifest: Manifest; replacedDir: string }> {
  let file: string;
  try {
    file = realpathSync(archive);
    if (!statSync(file).isFile()) throw new Error();
  } catch {
    throw new InvalidInput('backup', `${archive} is not a readable file`);
  }
  const listing = await run('tar', ['-tzf', file], TAR_LIMITS).catch((err) => {
    throw new InvalidInput('backup', `${archive} is not a gzip tar archive (${String(err.stderr ?? err.message).trim().split('\n')[0]})`);
  });
  checkArchiveEntries(listing.stdout.split('\n').filter(Boolean));

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dataDir, '.restore-'));
  try {
    await run('tar', ['-xzf', file, '-C', staging, '--no-same-owner', '--no-overwrite-dir'], TAR_LIMITS);
    refuseLinks(staging);
    const manifest = checkManifest(readManifest(staging), unknownMigrations(appliedMigrations(join(staging, 'spur.db'))), VERSION);

    const replacedDir = join(dataDir, `replaced-${new Date().toISOString().replace(/[-:.]/g, '')}`);
    mkdirSync(replacedDir, { mode: 0o700 });
    for (const item of [...DATA_ITEMS, 'spur.db-wal', 'spur.db-shm', 'setup-token']) {
      if (existsSync(join(dataDir, item))) renameSync(join(dataDir, item), join(replacedDir, item));
    }
    for (const item of DATA_ITEMS) if (existsSync(join(staging, item))) renameSync(join(staging, item), join(dataDir, item));
    return { manifest, replacedDir };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function readManifest(dir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
}

/** Archives Spur writes hold only directories and regular files. */
function refuseLinks(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = lstatSync(path);
    if (st.isDirectory()) refuseLinks(path);
    else if (!st.isFile()) throw new InvalidInput('backup', `the archive holds ${entry}, which is neither a file nor a directory`);
  }
}
