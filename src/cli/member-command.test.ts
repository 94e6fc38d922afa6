// `spur member <project> <email> [--role R]`: sends the role (none: the server's default,
// developer) and says which role the member now has, as the API answered it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCommands } from './access-commands.js';

const received: { method?: string; url?: string; body: string }[] = [];
const api = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received.push({ method: req.method, url: req.url, body });
    const asked = JSON.parse(body || '{}') as { email: string; role?: string };
    res.setHeader('Content-Type', 'application/json');
    res.statusCode = 201;
    res.end(JSON.stringify({ member: { email: asked.email, role: asked.role ?? 'developer' } }));
  });
});
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  env = { SPUR_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, SPUR_TOKEN: 't' };
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

const run = async (argv: string[]) => {
  const out: string[] = [];
  received.length = 0;
  await accessCommands.member(argv, { env, stdout: (l: string) => out.push(l), stderr: () => {} });
  return out;
};

describe('spur member', () => {
  it('gives the role asked with --role, and says the role the server gave', async () => {
    expect(await run(['shop', 'ana@example.com', '--role', 'admin'])).toEqual(['ana@example.com is now an admin of shop']);
    expect(received).toEqual([{ method: 'POST', url: '/api/v1/projects/shop/members', body: JSON.stringify({ email: 'ana@example.com', role: 'admin' }) }]);
  });

  it('without --role leaves the role to the server (a developer for a new member)', async () => {
    expect(await run(['shop', 'ana@example.com', '--json'])).toEqual([JSON.stringify({ member: { email: 'ana@example.com', role: 'developer' } })]);
    expect(JSON.parse(received[0].body)).toEqual({ email: 'ana@example.com' });
  });
});
