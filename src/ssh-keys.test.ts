import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateSshKeyPair, repairEd25519Key, sshKeyProblem } from './ssh-keys.js';

// ssh2's generator fails about one key in 250; 3000 keys all but surely include such keys.
const MANY = 3000;
/** The loops give the event loop a turn now and then: a worker busy for many seconds at a stretch
 *  misses vitest's calls on a loaded machine, and the run waits for it for ever. */
const breathe = (i: number) => (i % 100 === 99 ? new Promise((r) => setImmediate(r)) : undefined);

describe('SSH keys Spur makes', () => {
  it(`reads back every one of ${MANY} generated keys with ssh2, private and public halves alike`, async () => {
    const unreadable: string[] = [];
    for (let i = 0; i < MANY; i++) {
      await breathe(i);
      const pair = generateSshKeyPair(`key ${i}`);
      const problem = sshKeyProblem(pair.private) ?? (utils.parseKey(pair.public) instanceof Error ? 'public half' : undefined);
      if (problem) unreadable.push(`${i}: ${problem}`);
    }
    expect(unreadable).toEqual([]);
  }, 120_000);

  it('writes a key whose two halves belong together and that signs what its public half verifies', () => {
    const pair = generateSshKeyPair('spur host key');
    expect(pair.public).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} spur host key$/);
    const priv = utils.parseKey(pair.private) as ReturnType<typeof utils.parseKey> & { sign(d: Buffer): Buffer; getPublicSSH(): Buffer };
    const pub = utils.parseKey(pair.public) as { verify(d: Buffer, s: Buffer): boolean; getPublicSSH(): Buffer };
    const data = Buffer.from('hello');
    expect(pub.verify(data, priv.sign(data))).toBe(true);
    expect(priv.getPublicSSH().equals(pub.getPublicSSH())).toBe(true);
  });

  it('repairs a key ssh2 wrote with a short public part into the same key', async () => {
    let broken: { private: string; public: string } | undefined;
    for (let i = 0; i < 20_000 && !broken; i++) {
      await breathe(i);
      const pair = utils.generateKeyPairSync('ed25519', { comment: 'old' });
      if (sshKeyProblem(pair.private)) broken = pair;
    }
    expect(broken, 'ssh2 made no unreadable key in 20000 tries').toBeDefined();
    expect(sshKeyProblem(broken!.private)).toMatch(/Malformed OpenSSH private key/);
    const repaired = repairEd25519Key(broken!.private)!;
    expect(sshKeyProblem(repaired.private)).toBeUndefined();
    expect(repaired.public).toMatch(/ old$/);
    // The same key: ssh2 dropped the leading zero byte(s) of its public part, the repair puts them back.
    const keyPart = (line: string) => Buffer.from(line.split(' ')[1]!, 'base64').subarray(4 + 11 + 4);
    const before = keyPart(broken!.public);
    const after = keyPart(repaired.public);
    expect(after.length).toBe(32);
    expect(before.length).toBeLessThan(32);
    expect(after.subarray(32 - before.length).equals(before)).toBe(true);
    expect(after.subarray(0, 32 - before.length).every((b) => b === 0)).toBe(true);
  }, 120_000);

  it('writes keys OpenSSH reads: ssh-keygen derives the same public key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spur-keys-'));
    try {
      for (let i = 0; i < 5; i++) {
        const pair = generateSshKeyPair(`k${i}`);
        writeFileSync(join(dir, 'k'), pair.private, { mode: 0o600 });
        const derived = execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'k')], { encoding: 'utf8' }).trim();
        expect(derived.split(' ').slice(0, 2)).toEqual(pair.public.split(' ').slice(0, 2));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves alone what is not an unencrypted OpenSSH ed25519 key', () => {
    expect(repairEd25519Key('garbage')).toBeUndefined();
    expect(repairEd25519Key('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n')).toBeUndefined();
    expect(sshKeyProblem('garbage')).toBeDefined();
  });
});
