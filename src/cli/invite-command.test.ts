// `spur invite`, `spur invitations` and `spur member leave`: what they ask the API and what they print.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCommands } from './access-commands.js';

const received: { method?: string; url?: string; body: string }[] = [];
let answer: unknown = {};
const api = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received.push({ method: req.method, url: req.url, body });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(answer));
  });
});
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  env = { SPUR_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, SPUR_TOKEN: 't' };
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

const run = async (command: 'invite' | 'invitations' | 'member', argv: string[], reply: unknown) => {
  const out: string[] = [];
  received.length = 0;
  answer = reply;
  await accessCommands[command](argv, { env, stdout: (l: string) => out.push(l), stderr: () => {} });
  return out.join('\n');
};
const invitation = { id: 4, email: 'ana@example.com', role: 'viewer', invitedBy: 'o@example.com', expiresAt: '2026-12-12T15:00:00.000Z' };

describe('spur invite', () => {
  it('sends the email, role and days, and prints the link once when it was not mailed', async () => {
    const out = await run('invite', ['shop', 'ana@example.com', '--role', 'viewer', '--days', '3'], { invitation, emailed: false, link: 'https://spur.example/invite/shop/abc', mailError: null });
    expect(received).toEqual([{ method: 'POST', url: '/api/v1/projects/shop/invitations', body: JSON.stringify({ email: 'ana@example.com', role: 'viewer', days: '3' }) }]);
    expect(out).toBe('Invited ana@example.com to shop as a viewer (invitation 4, until 2026-12-12T15:00:00.000Z)\nNo SMTP server is set (spur instance --smtp-host …): send them this link yourself. It is not shown again:\nhttps://spur.example/invite/shop/abc');
    expect(await run('invite', ['shop', 'ana@example.com'], { invitation, emailed: true, link: null, mailError: null })).toBe('Invited ana@example.com to shop as a viewer (invitation 4, until 2026-12-12T15:00:00.000Z); the link was mailed to them.');
  });

  it('lists pending invitations, revokes one by id, and a member leaves', async () => {
    expect(await run('invitations', ['shop'], { invitations: [invitation] })).toBe('4\tana@example.com\tviewer\tinvited by o@example.com\texpires 2026-12-12T15:00:00.000Z');
    expect(received[0]).toMatchObject({ method: 'GET', url: '/api/v1/projects/shop/invitations' });
    expect(await run('invitations', ['revoke', 'shop', '4'], { revoked: invitation })).toBe('Revoked the invitation of ana@example.com to shop: its link no longer works');
    expect(received[0]).toMatchObject({ method: 'DELETE', url: '/api/v1/projects/shop/invitations/4' });
    await expect(run('invitations', ['revoke', 'shop', 'x'], {})).rejects.toThrow('"x" is not an invitation id');
    expect(await run('member', ['leave', 'shop'], { left: 'shop' })).toBe('You left shop');
    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/v1/projects/shop/leave' });
  });
});
