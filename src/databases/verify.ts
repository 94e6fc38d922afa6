// Proves a backup restores: a throwaway server of the same engine and image (no network) takes
// the dump, the engine's inventory says what it then holds, and the container goes. The result
// is recorded beside the backup; a backup that does not restore is marked failed.
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { Writable } from 'node:stream';
import type { Db } from '../db/open.js';
import type { DatabaseBackup, DatabaseRecord } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import { execFailure, execIn } from '../docker/exec.js';
import { oneLine } from '../errors.js';
import { tarOfFile } from '../docker/tar.js';
import { INSTALL_LABEL, MANAGED_LABEL } from '../docker/names.js';
import { randomToken } from '../secrets.js';
import { recordVerification } from '../store/database-backups.js';
import { backupFileOf } from './backups.js';
import type { Credentials } from '../store/databases.js';
import { engineOf } from './engines/index.js';
import { waitReady } from './ready.js';
import { VERIFY_LABEL } from './service-spec.js';

/** Restores the backup into a throwaway server and records what it holds: passed, with the
 *  inventory; or failed, with why. Never throws. */
export async function verifyBackup(deps: { db: Db; docker: DockerClient; key: Buffer; installId: string }, d: DatabaseRecord, credentials: Credentials, b: DatabaseBackup): Promise<{ passed: boolean; detail: string }> {
  let containerId: string | undefined;
  let result: { passed: boolean; detail: string };
  try {
    const engine = engineOf(b);
    const file = await backupFileOf(deps, b);
    const fromFile = engine.loadFromFile;
    if (!fromFile && !engine.restore) throw new Error(`${engine.name} backups cannot be restored yet`);
    const container = await deps.docker.createContainer({
      name: `spur-verify-${b.id}-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, '')}`,
      Image: d.image,
      Env: Object.entries(engine.environment(credentials)).map(([k, v]) => `${k}=${v}`),
      ...(fromFile ? { Cmd: fromFile.args(credentials) } : engine.args ? { Cmd: engine.args(credentials) } : {}),
      Labels: { [MANAGED_LABEL]: 'true', [INSTALL_LABEL]: deps.installId, [VERIFY_LABEL]: String(b.id) },
      HostConfig: { NetworkMode: 'none', Memory: 1024 * 1024 * 1024 },
    });
    containerId = container.id;
    // A server that loads its dump at start finds it in place (copied in: the image's entrypoint
    // may chown its data directory, which a read-only bind would refuse).
    if (fromFile) await container.putArchive(await tarOfFile(file, posix.basename(fromFile.path)), { path: posix.dirname(fromFile.path) });
    await container.start();
    await waitReady(deps.docker, container.id, engine, credentials);
    if (!fromFile && engine.restore) {
      const restored = await execIn(deps.docker, container.id, engine.restore(credentials), { stdin: createReadStream(file) });
      if (restored.exitCode !== 0) throw execFailure('restore', restored);
    }
    const lines: Buffer[] = [];
    const inventory = await execIn(deps.docker, container.id, engine.inventory(credentials), { stdout: new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk), cb()) }) });
    if (inventory.exitCode !== 0) throw execFailure('check', inventory);
    const held = Buffer.concat(lines).toString('utf8').trim().split('\n').map((l) => l.trim().replace(/\t/g, ' ')).filter((l) => l && !l.startsWith('#'));
    result = { passed: true, detail: held.length ? `restored; it holds ${held.join(', ')}`.slice(0, 1000) : 'restored; it holds nothing' };
  } catch (err) {
    result = { passed: false, detail: oneLine((err as Error).message) };
  } finally {
    if (containerId) await deps.docker.getContainer(containerId).remove({ force: true, v: true }).catch(() => {});
  }
  await recordVerification(deps.db, b.id, result);
  return result;
}
