// `spur node add`: a password read from stdin goes only with the host key it may be sent to.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCommands } from './node-commands.js';

/** A stand-in API that records what reaches it and answers a failed enrollment. */
const received: { method?: string; url?: string; body: string }[] = [];
const api = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received.push({ method: req.method, url: req.url, body });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ server: { name: 'node2', status: 'failed', error: 'stopped here', log: '' } }));
  });
});
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  env = { SPUR_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, SPUR_TOKEN: 't' };
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

const io = () => ({ env, stdout: () => {}, stderr: () => {} });

describe('spur node add', () => {
  it('refuses --password-stdin without --host-key in one line saying how to read the fingerprint, reading and sending nothing', async () => {
    received.length = 0;
    const refused = nodeCommands.node(['add', 'root@10.77.0.2', '--password-stdin'], io());
    await expect(refused).rejects.toMatchObject({ message: expect.stringMatching(/^--password-stdin needs --host-key SHA256:…[^\n]*ssh-keygen -lf[^\n]*ssh-keyscan[^\n]*$/) });
    expect(received).toEqual([]);
  });

  it('sends --host-key to the API with the address (key authentication, no password)', async () => {
    received.length = 0;
    const hostKey = `SHA256:${'A'.repeat(43)}`;
    await expect(nodeCommands.node(['add', 'root@10.77.0.2', '--host-key', hostKey], io())).rejects.toThrow('enrolling node2 failed: stopped here');
    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/v1/servers' });
    expect(JSON.parse(received[0]!.body)).toEqual({ address: 'root@10.77.0.2', hostKey });
  });
});
