// Backs a database up with the engine's own logical dump, run inside its container and streamed
// to a file under the data dir (hashed on the way: nothing is held in memory); restores a backup
// by streaming the file, checked against its SHA-256 first, into the restore command.
import { createHash } from 'node:crypto';
import { digestingStream } from '../storage/digest-stream.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/open.js';
import type { DatabaseBackup, DatabaseRecord } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import { execFailure, execIn } from '../docker/exec.js';
import { oneLine } from '../errors.js';
import { backupStorage } from '../store/settings.js';
import { s3Storage } from '../storage/s3.js';
import { credentialsOf } from '../store/databases.js';
import { finishBackupRecord, startBackupRecord } from '../store/database-backups.js';
import { engineOf } from './engines/index.js';
import { replaceDataWithFile } from './load-from-file.js';
import { runningContainer, waitForDatabase } from './ready.js';
import type { DatabaseRef } from './service-spec.js';

export interface BackupDeps {
  db: Db;
  docker: DockerClient;
  key: Buffer;
  dataDir: string;
  installId: string;
}

/** Where a database's backups live: <data dir>/backups/databases/<project>/<environment>/<name>/. */
export const backupDir = (dataDir: string, r: DatabaseRef) => join(dataDir, 'backups', 'databases', r.project, r.environment, r.name);

async function containerOf(docker: DockerClient, r: DatabaseRef): Promise<string> {
  const container = await runningContainer(docker, r);
  if (!container) throw new Error(`database ${r.name} is not running; start it (or wait for it) and try again`);
  return container;
}

/** Takes a backup now; the record says how it went (a failure keeps the dump tool's words). */
export async function backUp(deps: BackupDeps, ref: DatabaseRef, d: DatabaseRecord, trigger: 'schedule' | 'manual'): Promise<DatabaseBackup> {
  const record = await startBackupRecord(deps.db, d, trigger);
  const file = join(backupDir(deps.dataDir, ref), `${record.created_at.replace(/[:.]/g, '-')}-${record.id}.dump`);
  const partial = `${file}.part`;
  try {
    const container = await containerOf(deps.docker, ref);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const counted = digestingStream();
    const out = createWriteStream(partial, { mode: 0o600 });
    // Awaited together: the file failing (a full disk) while the dump runs is handled, not an
    // unhandled rejection (which stops Node).
    const [result] = await Promise.all([execIn(deps.docker, container, engineOf(d).dump(credentialsOf(deps.key, d)), { stdout: counted.stream }), pipeline(counted.stream, out)]);
    if (result.exitCode !== 0) throw execFailure('dump', result);
    const { size, sha256 } = counted.digest();
    if (size === 0) throw new Error('the dump wrote nothing');
    await rename(partial, file);
    return await finishBackupRecord(deps.db, record.id, { file, size, sha256 });
  } catch (err) {
    await rm(partial, { force: true });
    return finishBackupRecord(deps.db, record.id, { error: oneLine((err as Error).message) });
  }
}

/** The file's SHA-256 is the one recorded: a backup changed on disk is refused, not restored. */
export async function checkBackupFile(b: Pick<DatabaseBackup, 'id' | 'status' | 'file' | 'sha256'>): Promise<string> {
  if (b.status !== 'ok' || !b.file || !b.sha256) throw new Error(`backup ${b.id} did not complete; it cannot be restored`);
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(b.file), new Transform({ transform: (c: Buffer, _e, done) => (hash.update(c), done()) }));
  } catch (err) {
    throw new Error(`backup ${b.id}'s file cannot be read: ${(err as Error).message}`);
  }
  if (hash.digest('hex') !== b.sha256) throw new Error(`backup ${b.id}'s file does not match its SHA-256; it was changed or damaged, and is not restored`);
  return b.file;
}

/** The backup's file, checked against its SHA-256; fetched from S3-compatible storage first
 *  when the local copy is gone and a copy was uploaded. */
export async function backupFileOf(deps: Pick<BackupDeps, 'db' | 'key'>, b: Pick<DatabaseBackup, 'id' | 'status' | 'file' | 'sha256' | 'remote_status' | 'remote_key'>): Promise<string> {
  if (b.file && b.remote_status === 'ok' && b.remote_key && !(await exists(b.file))) {
    const storage = await backupStorage(deps.db, deps.key);
    if (!storage) throw new Error(`backup ${b.id}'s file is gone and no S3 storage is configured to fetch its copy from`);
    await mkdir(dirname(b.file), { recursive: true, mode: 0o700 });
    await s3Storage(storage).download(b.remote_key, b.file);
  }
  return checkBackupFile(b);
}

const exists = (file: string) => access(file).then(() => true, () => false);

/** Streams a backup into the named database, replacing what its dump holds. An engine whose
 *  server cannot take a dump while running (Redis) is stopped, its data replaced by the file, and
 *  started again. */
export async function restoreInto(deps: BackupDeps, ref: DatabaseRef, d: DatabaseRecord, b: DatabaseBackup): Promise<void> {
  if (b.engine !== d.engine) throw new Error(`backup ${b.id} is a ${b.engine} dump; ${d.name} is ${d.engine}`);
  const engine = engineOf(d);
  const credentials = credentialsOf(deps.key, d);
  const file = await backupFileOf(deps, b);
  if (engine.restore) {
    const container = await containerOf(deps.docker, ref);
    const result = await execIn(deps.docker, container, engine.restore(credentials), { stdin: createReadStream(file) });
    if (result.exitCode !== 0) throw execFailure('restore', result);
    return;
  }
  if (!engine.loadFromFile) throw new Error(`restoring ${d.engine} is not supported; the backup file is at ${b.file}`);
  await replaceDataWithFile(deps, ref, d, engine, credentials, file);
  await waitForDatabase(deps.docker, ref, engine, credentials);
}
