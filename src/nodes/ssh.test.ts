// Spur's SSH client against an ssh2 server in this process with its own host key: a password goes
// only to the server whose host key fingerprint was given, and is never sent to another.
import type { AddressInfo } from 'node:net';
import { Server, utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNode, fingerprintOf } from './ssh.js';

const hostKey = utils.generateKeyPairSync('ed25519');
const spurKey = utils.generateKeyPairSync('ed25519');
const offered = fingerprintOf((utils.parseKey(hostKey.public) as { getPublicSSH(): Buffer }).getPublicSSH());
const other = fingerprintOf(Buffer.from('another host key'));
/** What the server received: each authentication attempt's method, and the passwords. */
let attempts: string[] = [];
let passwords: string[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => {
      attempts.push(ctx.method);
      if (ctx.method === 'password') {
        passwords.push(ctx.password);
        return ctx.password === 'the password' ? ctx.accept() : ctx.reject();
      }
      ctx.reject(['password']);
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const address = () => ({ host: '127.0.0.1', port, user: 'root' });

describe('connecting to a server with a password', () => {
  it('refuses a server whose host key is not the one given, before sending anything to log in', async () => {
    attempts = [];
    passwords = [];
    await expect(connectNode(address(), { privateKey: spurKey.private, password: 'the password', expectedHostKey: other })).rejects.toThrow(`the host key of 127.0.0.1:${port} is ${offered}, not ${other} as given: nothing was sent to it`);
    expect(attempts).toEqual([]);
    expect(passwords).toEqual([]);
  });

  it('sends the password to the server whose host key is the one given', async () => {
    attempts = [];
    passwords = [];
    const { client, fingerprint } = await connectNode(address(), { privateKey: spurKey.private, password: 'the password', expectedHostKey: offered });
    client.end();
    expect(fingerprint).toBe(offered);
    expect(passwords).toEqual(['the password']);
  });

  it('refuses to send a password when no host key is given', async () => {
    attempts = [];
    passwords = [];
    await expect(connectNode(address(), { privateKey: spurKey.private, password: 'the password' })).rejects.toThrow('a password is sent only to a server whose host key is given');
    expect(attempts).toEqual([]);
  });

  it("with Spur's key alone, connects to any host key at first (and tells which), or only to the one given", async () => {
    attempts = [];
    await expect(connectNode(address(), { privateKey: spurKey.private })).rejects.toThrow("root@127.0.0.1 refused Spur's key");
    expect(attempts).toContain('publickey');
    attempts = [];
    await expect(connectNode(address(), { privateKey: spurKey.private, expectedHostKey: other })).rejects.toThrow('nothing was sent to it');
    expect(attempts).toEqual([]);
  });
});
