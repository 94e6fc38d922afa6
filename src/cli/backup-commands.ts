// `spur backup create|list|restore`: Spur's own state, on the server itself (no HTTP).
import { createBackup, backupsDir, listBackups, restoreBackup } from '../backup/archive.js';
import { loadConfig } from '../config.js';
import { InvalidInput } from '../errors.js';
import { CliError } from './client.js';
import { runningServerPid, systemctl, unitActive, waitUntilAnswering } from '../install/installed-service.js';
import { type CliIo, args } from './shared.js';

const USAGE = 'spur backup create | backup list | backup restore <file>';
const size = (bytes: number) => (bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`);

export async function backup(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = args(argv, {});
  const config = loadConfig(io.env);
  const [action, file] = positionals;
  if (action === 'create' && positionals.length === 1) {
    const made = await createBackup(config.dataDir);
    io.stdout(values.json ? JSON.stringify(made) : `Wrote ${made.file} (${size(made.bytes)}). It holds Spur's secrets (the encryption key, the SSH host key): keep it private.`);
  } else if (action === 'list' && positionals.length === 1) {
    const all = listBackups(backupsDir(config.dataDir));
    if (values.json) io.stdout(JSON.stringify({ backups: all }));
    else if (!all.length) io.stdout(`No backups in ${backupsDir(config.dataDir)} yet; make one with: spur backup create`);
    else for (const b of all) io.stdout(`${b.file}  ${size(b.bytes)}  ${b.createdAt}`);
  } else if (action === 'restore' && positionals.length === 2) {
    const underSystemd = await unitActive();
    const pid = underSystemd ? undefined : runningServerPid(config.dataDir);
    if (pid) throw new CliError(`spur serve is running on ${config.dataDir} (pid ${pid}); stop it, then restore`);
    if (underSystemd) await systemctl('stop');
    try {
      const { manifest, replacedDir } = await restoreBackup(config.dataDir, file);
      io.stdout(values.json ? JSON.stringify({ restored: file, manifest, replacedDir }) : `Restored ${file} (taken ${manifest.createdAt} by Spur ${manifest.version}). What it replaced is in ${replacedDir}.`);
    } catch (err) {
      if (err instanceof InvalidInput) throw new CliError(`cannot restore: ${err.message.replace(/^backup: /, '')}`, 2);
      throw err;
    } finally {
      if (underSystemd) {
        await systemctl('start');
        if (!(await waitUntilAnswering(config.port, { timeoutMs: 60_000 }))) io.stderr('Spur did not answer within 60 s after the restore; see: journalctl -u spur');
      }
    }
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}
