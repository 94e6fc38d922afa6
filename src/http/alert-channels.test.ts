// App tier: where alerts go — an owner's installation channels and a project admin's; secrets kept
// sealed and never answered; bad settings refused changing nothing; the test button sends a real
// signed message to a receiver on this machine, and says in one line why one did not arrive.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressKind } from '../git/host.js';
import { shopWithWeb } from '../../test/app-fixture.js';
import { setSmtpSettings } from '../store/settings.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
const SECRET = 'the receiver knows this secret too';
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  t = await shopWithWeb();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function receiver() {
  const host = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal && addressKind(a.address) === 'private')?.address;
  if (!host) throw new Error('this machine has no private IPv4 address to receive on (Docker makes one: run scripts/test-env.sh)');
  const got: { signature: string; timestamp: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => (got.push({ signature: String(req.headers['x-spur-signature']), timestamp: String(req.headers['x-spur-timestamp']), body }), res.writeHead(200).end('ok')));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('alert channels', () => {
  it("keeps a webhook's secret sealed and never answers it; lists, refuses a second of the same name, removes", async () => {
    const made = await t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: 'ops', kind: 'webhook', url: 'https://hooks.example.com/spur?token=url-credential', secret: SECRET });
    expect(made.status).toBe(201);
    expect(made.json.channel).toMatchObject({ name: 'ops', kind: 'webhook', label: 'Webhook (signed)', destination: 'hooks.example.com' });
    expect(JSON.stringify(made.json)).not.toContain(SECRET);
    expect(JSON.stringify(made.json)).not.toContain('url-credential');
    const row = await t.deps.db.selectFrom('alert_channels').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(JSON.stringify(row)).not.toContain('url-credential');
    // The URL is sealed too (receivers keep tokens in theirs): only its host is kept plain.
    expect(JSON.parse(row.settings)).toEqual({ host: 'hooks.example.com' });
    const listed = await t.call('owner', 'GET', '/projects/shop/alerts/channels');
    expect(listed.json.channels.map((c: { name: string }) => c.name)).toEqual(['ops']);
    expect(JSON.stringify(listed.json)).not.toContain(SECRET);
    // The installation's are apart from the project's: the same name is free there.
    expect((await t.call('owner', 'POST', '/alerts/channels', { name: 'ops', kind: 'email', to: 'ops@example.com' })).status).toBe(201);
    expect((await t.call('owner', 'GET', '/alerts/channels')).json.channels).toMatchObject([{ name: 'ops', kind: 'email', destination: 'ops@example.com' }]);
    const again = await t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: 'ops', kind: 'email', to: 'a@example.com' });
    expect([again.status, again.json.error]).toEqual([409, 'a channel named ops exists already']);
    expect((await t.call('owner', 'DELETE', `/projects/shop/alerts/channels/${made.json.channel.id}`)).status).toBe(204);
    expect((await t.call('owner', 'GET', '/projects/shop/alerts/channels')).json.channels).toEqual([]);
    expect((await t.call('owner', 'DELETE', `/projects/shop/alerts/channels/${made.json.channel.id}`)).status).toBe(404);
  });

  it('refuses an unknown kind, bad settings and bad names with 400, storing nothing', async () => {
    for (const body of [
      { name: 'x', kind: 'pager' },
      { name: 'x', kind: 'slack', webhookUrl: 'https://evil.example/services/x' },
      { name: 'x', kind: 'webhook', url: 'file:///etc/passwd', secret: SECRET },
      { name: 'x', kind: 'telegram', botToken: 'nope', chatId: '1' },
      { name: 'Bad Name', kind: 'email', to: 'a@example.com' },
      { name: 'x'.repeat(31), kind: 'email', to: 'a@example.com' },
      { name: 'x', kind: 'email', to: 'a@example.com\r\nBcc: b@example.com' },
    ]) {
      const res = await t.call('owner', 'POST', '/projects/shop/alerts/channels', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await t.deps.db.selectFrom('alert_channels').selectAll().execute()).toEqual([]);
  });

  it('sends a signed test message on request, and says in one line why one did not arrive', async () => {
    t.deps.config = { ...t.deps.config, notifyAllowPrivate: true };
    const r = await receiver();
    const made = await t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: 'ops', kind: 'webhook', url: r.url, secret: SECRET });
    const tested = await t.call('owner', 'POST', `/projects/shop/alerts/channels/${made.json.channel.id}/test`);
    expect(tested.status).toBe(200);
    expect(r.got).toHaveLength(1);
    const { signature, timestamp, body } = r.got[0]!;
    expect(signature).toBe(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
    expect(JSON.parse(body)).toMatchObject({ event: 'alert.test', title: 'Spur can reach ops', text: 'Alerts of project shop go to this channel. Sent on request by o@example.com.' });

    const local = await t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: 'local', kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: SECRET });
    const refused = await t.call('owner', 'POST', `/projects/shop/alerts/channels/${local.json.channel.id}/test`);
    expect([refused.status, refused.json.error]).toEqual([502, 'the test message did not arrive: 127.0.0.1 is a loopback address; Spur does not send there']);
    const mail = await t.call('owner', 'POST', '/alerts/channels', { name: 'mail', kind: 'email', to: 'ops@example.com' });
    const noSmtp = await t.call('owner', 'POST', `/alerts/channels/${mail.json.channel.id}/test`);
    expect([noSmtp.status, noSmtp.json.error]).toEqual([502, 'the test message did not arrive: no SMTP server is set: an owner sets one in Settings, and email goes through it']);
  });

  it('refuses a sixth test of a channel within 10 minutes, sending nothing; a project admin is not told what the mail server said', async () => {
    t.deps.config = { ...t.deps.config, notifyAllowPrivate: true };
    const r = await receiver();
    const made = await t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: 'ops', kind: 'webhook', url: r.url, secret: SECRET });
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.call('owner', 'POST', `/projects/shop/alerts/channels/${made.json.channel.id}/test`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(answers.find((a) => a.status === 429)!.json.error).toBe('ops was tried 5 times in the last 10 minutes; try again later');
    expect(r.got).toHaveLength(5);
    await setSmtpSettings(t.deps.db, t.deps.key, { host: '127.0.0.1', port: 9, tls: 'none', user: '', password: '', from: 'spur@example.com' });
    const mail = await t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: 'mail', kind: 'email', to: 'ops@example.com' });
    const failed = await t.call('owner', 'POST', `/projects/shop/alerts/channels/${mail.json.channel.id}/test`);
    expect([failed.status, failed.json.error]).toEqual([502, "the test message did not arrive: the owner's mail server did not take it"]);
  });

  it("is an owner's for the installation and a project admin's for the project", async () => {
    expect((await t.call('member', 'GET', '/alerts/channels')).status).toBe(403);
    expect((await t.call('member', 'POST', '/alerts/channels', { name: 'x', kind: 'email', to: 'a@example.com' })).status).toBe(403);
    expect((await t.call('member', 'GET', '/projects/shop/alerts/channels')).status).toBe(404);
    expect(await t.deps.db.selectFrom('alert_channels').selectAll().execute()).toEqual([]);
  });
});
