// The SSH server's host key: ed25519, made once and kept in the data dir, checked at every start.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { generateSshKeyPair, repairEd25519Key, sshKeyProblem } from '../ssh-keys.js';

/** The host key, made on first start. A kept key ssh2 cannot read is rewritten from its seed when
 *  it is one an older Spur made faultily (the same key), and otherwise stops Spur saying what to do. */
export function loadOrCreateHostKey(dataDir: string, log: Log): Buffer {
  const file = join(dataDir, 'ssh_host_ed25519_key');
  if (!existsSync(file)) {
    const pair = generateSshKeyPair('spur host key');
    writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
    writeFileSync(`${file}.pub`, pair.public + '\n', { mode: 0o644 });
  }
  const text = readFileSync(file, 'utf8');
  const problem = sshKeyProblem(text);
  if (!problem) return Buffer.from(text);
  const repaired = repairEd25519Key(text);
  if (!repaired) {
    throw new Error(`the SSH host key ${file} cannot be read (${problem}): move it aside (mv ${file} ${file}.unusable) and start Spur again; it makes a new host key, and git clients that knew the old one will say it changed`);
  }
  renameSync(file, `${file}.unusable`);
  writeFileSync(file, repaired.private, { mode: 0o600 });
  writeFileSync(`${file}.pub`, repaired.public + '\n', { mode: 0o644 });
  log.warn(`the SSH host key could not be read (${problem}); it was written again from the same key (the old file is ${file}.unusable)`);
  return Buffer.from(repaired.private);
}
