// Starting Spur when its SSH port is taken. Spur answered HTTP and then ran on without its SSH
// server (no git push) for good; the harness handed such a Spur to its test as started, and
// every git push of that file was refused (test/git-push.test.ts failed whole in a rehearsal).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_ACME_SERVER, SPUR_BIN, freePorts, startSpur } from './harness.js';

async function takenPort(): Promise<{ port: number; release: () => void }> {
  const [port] = await freePorts(1);
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
  return { port: port!, release: () => taken.close() };
}

describe('a start that fails half-way', () => {
  it('exits, saying why, instead of serving the web without its SSH server', async () => {
    const ssh = await takenPort();
    const [port, acme] = await freePorts(2);
    try {
      const env = { ...process.env, SPUR_PORT: String(port), SPUR_SSH_PORT: String(ssh.port), SPUR_HOST: '127.0.0.1', SPUR_DATA_DIR: mkdtempSync(join(tmpdir(), 'spur-data-')), SPUR_TRAEFIK: '0', SPUR_UPDATE_CHECK: '0', SPUR_ACME_PORT: String(acme), SPUR_ACME_HOST: '127.0.0.1', SPUR_ACME_DIRECTORY: NO_ACME_SERVER };
      const child = spawn(SPUR_BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), resolve(null)), 30_000);
        child.on('exit', (c) => (clearTimeout(timer), resolve(c)));
      });
      expect(code, 'still running 30 s after its SSH server could not listen').toBe(1);
      expect(err).toMatch(/^spur: .*EADDRINUSE/m);
    } finally {
      ssh.release();
    }
  });

  it('is never handed to a test as a started Spur', async () => {
    const ssh = await takenPort();
    try {
      await expect(startSpur({ env: { SPUR_SSH_PORT: String(ssh.port) } })).rejects.toThrow(/spur exited early:[\s\S]*EADDRINUSE/);
    } finally {
      ssh.release();
    }
  });
});
