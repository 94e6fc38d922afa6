// End to end: Spur's SSH server cannot be held open or guessed at: connections must authenticate
// within SPUR_SSH_AUTH_TIMEOUT, are capped per address, and an address whose connections keep
// failing is refused for a while, its right key included.
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshKeys } from './fixtures/ssh-keys.js';
import { type SpurProcess, cli, loginCli, startSpur } from './harness.js';

let spur: SpurProcess;
const keys = new SshKeys();
const lsRemote = (key: string) => keys.git(key, ['ls-remote', `ssh://git@127.0.0.1:${spur.sshPort}/lim/web`]);

/** A raw TCP connection to the SSH port; resolves with the time it stayed open. */
function idle(): { socket: Socket; closed: Promise<number> } {
  const started = Date.now();
  const socket = connect(spur.sshPort, '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  return { socket, closed: new Promise((r) => socket.on('close', () => r(Date.now() - started))) };
}

beforeAll(async () => {
  spur = await startSpur({ env: { SPUR_SSH_AUTH_TIMEOUT: '3' } });
  await loginCli(spur);
  expect((await cli(spur, ['keys', 'add', '-', '--name', 'laptop'], {}, keys.create('owner'))).code).toBe(0);
  keys.create('stranger');
  await cli(spur, ['project', 'create', 'lim']);
  expect((await cli(spur, ['service', 'create', 'lim', 'web', '--push'])).code).toBe(0);
});
afterAll(() => spur?.stop());

describe('SSH server limits', () => {
  it('closes connections that do not authenticate in time, and admits at most 10 at once from one address', async () => {
    const conns = Array.from({ length: 12 }, () => idle());
    const times = await Promise.all(conns.map((c) => c.closed));
    const refusedAtOnce = times.filter((t) => t < 1000).length;
    const timedOut = times.filter((t) => t >= 2500 && t < 10_000).length;
    expect(refusedAtOnce).toBe(2);
    expect(timedOut).toBe(10);
    // The server is free again for a real client.
    expect((await lsRemote('owner')).code).toBe(0);
  });

  it('refuses an address after 20 failed connections, even with the right key', async () => {
    // Ten idle connections that timed out failed above; the stranger's key fails ten more.
    for (let i = 0; i < 10; i++) expect((await lsRemote('stranger')).code).not.toBe(0);
    const right = await lsRemote('owner');
    expect(right.code).not.toBe(0);
    expect(right.out).toMatch(/Connection (closed|reset)|kex_exchange_identification/);
  });
});
