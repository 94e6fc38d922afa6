// Spur's SSH host key: one an older Spur wrote with ssh2's faulty generator is mended at start (the
// same key), and one that cannot be read stops Spur with what to do.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { utils } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { SPUR_BIN, type SpurProcess, freePorts, startSpur } from './harness.js';

const run = promisify(execFile);
const started: SpurProcess[] = [];
afterAll(async () => Promise.all(started.map((s) => s.stop())));

/** A key as ssh2's generateKeyPairSync writes about one time in 250: its public part lost a leading zero byte. */
function faultyKey(): { private: string; public: string } {
  for (let i = 0; i < 50_000; i++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment: 'spur host key' });
    if (utils.parseKey(pair.private) instanceof Error) return pair;
  }
  throw new Error('ssh2 made no faulty key in 50000 tries');
}

describe('the SSH host key', () => {
  it('is mended at start when an older Spur wrote it faultily, and git clients get the same key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spur-data-'));
    const keyFile = join(dataDir, 'ssh_host_ed25519_key');
    writeFileSync(keyFile, faultyKey().private, { mode: 0o600 });
    const spur = await startSpur({ dataDir, requireDocker: false });
    started.push(spur);
    expect(spur.output()).toContain('the SSH host key could not be read (Malformed OpenSSH private key); it was written again from the same key');
    const scanned = await run('ssh-keyscan', ['-t', 'ed25519', '-p', String(spur.sshPort), '127.0.0.1'], { timeout: 20_000 });
    const served = scanned.stdout.trim().split(' ').slice(1, 3).join(' ');
    expect(served).toMatch(/^ssh-ed25519 AAAA/);
    expect(readFileSync(`${keyFile}.pub`, 'utf8')).toContain(served);
    const derived = await run('ssh-keygen', ['-y', '-f', keyFile]);
    expect(derived.stdout).toContain(served);
  });

  it('that cannot be read stops Spur at once, saying what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spur-data-'));
    const keyFile = join(dataDir, 'ssh_host_ed25519_key');
    writeFileSync(keyFile, '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
    const [port, sshPort] = await freePorts(2);
    const result = await run(SPUR_BIN, ['serve'], { env: { ...process.env, SPUR_DATA_DIR: dataDir, SPUR_PORT: String(port), SPUR_SSH_PORT: String(sshPort), SPUR_HOST: '127.0.0.1', SPUR_TRAEFIK: '0', SPUR_UPDATE_CHECK: '0' }, timeout: 20_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`spur: the SSH host key ${keyFile} cannot be read`);
    expect(result.stderr).toContain(`move it aside (mv ${keyFile} ${keyFile}.unusable) and start Spur again`);
  });
});
