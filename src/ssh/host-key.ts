// The SSH server's host key: ed25519, made once and kept in the data dir.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';

export function loadOrCreateHostKey(dataDir: string): Buffer {
  const file = join(dataDir, 'ssh_host_ed25519_key');
  if (!existsSync(file)) {
    const pair = utils.generateKeyPairSync('ed25519', { comment: 'spur host key' });
    writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
    writeFileSync(`${file}.pub`, pair.public + '\n', { mode: 0o644 });
  }
  return readFileSync(file);
}
