// Files Spur puts on its servers over SFTP: no shell, no command line built from a path.
import { posix } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Client, SFTPWrapper } from 'ssh2';

const sftpOf = (client: Client) => new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));

const call = <T = void>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));

async function mkdirs(sftp: SFTPWrapper, dir: string, mode: number): Promise<void> {
  if (dir === '/' || dir === '.' || dir === '') return;
  const exists = await call((cb) => sftp.stat(dir, (err) => cb(err))).then(() => true, () => false);
  if (exists) return;
  await mkdirs(sftp, posix.dirname(dir), mode);
  await call((cb) => sftp.mkdir(dir, { mode }, (err) => cb(err)));
}

/** Copies a local file to the same kind of place on the server: written beside, then renamed
 *  over, so a task that has the old one mounted keeps reading a whole file. */
export async function installFile(client: Client, localPath: string, remotePath: string, mode: number): Promise<void> {
  const content = await readFile(localPath);
  const sftp = await sftpOf(client);
  try {
    await mkdirs(sftp, posix.dirname(remotePath), 0o755);
    const temporary = `${remotePath}.spur-new`;
    await call((cb) => sftp.writeFile(temporary, content, { mode }, (err) => cb(err)));
    await call((cb) => sftp.chmod(temporary, mode, (err) => cb(err)));
    await call((cb) => sftp.ext_openssh_rename(temporary, remotePath, (err) => cb(err)));
  } finally {
    sftp.end();
  }
}

/** Adds Spur's public key to the login's ~/.ssh/authorized_keys (once). */
export async function authorizeKey(client: Client, publicKey: string): Promise<void> {
  const sftp = await sftpOf(client);
  try {
    await mkdirs(sftp, '.ssh', 0o700);
    const current = await call<Buffer>((cb) => sftp.readFile('.ssh/authorized_keys', cb)).then((b) => b.toString('utf8'), () => '');
    if (current.split('\n').some((line) => line.trim() === publicKey)) return;
    const next = current + (current && !current.endsWith('\n') ? '\n' : '') + publicKey + '\n';
    await call((cb) => sftp.writeFile('.ssh/authorized_keys', next, { mode: 0o600 }, (err) => cb(err)));
  } finally {
    sftp.end();
  }
}
