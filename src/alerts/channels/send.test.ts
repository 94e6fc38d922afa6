// Sending for real, on this machine: a signed webhook to a receiver and an email to an SMTP server
// (both started here, on a private address of this machine, with private networks allowed); and
// every address Spur must not send to refused before anything is sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { privateAddress } from '../../../test/private-address.js';
import { afterEach, describe, expect, it } from 'vitest';
import { channelKind } from './index.js';
import type { AlertMessage } from './kind.js';
import { DeliveryFailed, post, send } from './send.js';

const message: AlertMessage = { state: 'resolved', title: 'web (shop, production) answers again', text: 'Healthy since 09:14.', at: '2026-12-06T09:15:00.000Z', key: 'health:spur_shop_web_production' };
const secret = 'a shared secret of 32 characters';


const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function receiver(status = 204) {
  const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status).end(status === 204 ? undefined : 'no such hook');
    });
  });
  const host = privateAddress();
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('the deadline', () => {
  it('counts the name lookup too: a resolver that never answers fails the delivery at the deadline', async () => {
    const started = Date.now();
    const sent = post({ url: 'https://hooks.example.com/spur', body: '{}', headers: {} }, { allowPrivate: false, timeoutMs: 300, resolve: () => new Promise<string[]>(() => {}) });
    await expect(sent).rejects.toThrow(DeliveryFailed);
    await expect(sent).rejects.toThrow('hooks.example.com did not resolve within 0.3 s');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('a refusal', () => {
  it('names the kind of address a name resolved to, never the address (the delivery log is no window on the resolver)', async () => {
    for (const [resolved, words] of [
      ['10.1.2.3', 'internal.example resolves to an address on a private network; the owner can allow it with SPUR_NOTIFY_ALLOW_PRIVATE=1'],
      ['127.0.0.1', 'internal.example resolves to a loopback address; Spur does not send there'],
    ]) {
      const refused = await post({ url: 'https://internal.example/hook', body: '{}', headers: {} }, { allowPrivate: false, resolve: async () => [resolved] }).catch((err: Error) => err);
      expect(refused).toBeInstanceOf(DeliveryFailed);
      expect((refused as Error).message).toBe(words);
    }
  });
});

describe('sending', () => {
  it('posts the signed webhook to a receiver on a private network the owner allowed, which verifies it', async () => {
    const r = await receiver();
    const kind = channelKind('webhook')!;
    await send(kind, kind.parse({ url: r.url, secret }), message, { allowPrivate: true });
    expect(r.got).toHaveLength(1);
    const { headers, body } = r.got[0]!;
    expect(headers['x-spur-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${headers['x-spur-timestamp']}.${body}`).digest('hex')}`);
    expect(JSON.parse(body)).toMatchObject({ event: 'alert.resolved', title: message.title });
  });

  it('says in one line what the receiver answered when it is not 2xx', async () => {
    const r = await receiver(404);
    const kind = channelKind('webhook')!;
    await expect(send(kind, kind.parse({ url: r.url, secret }), message, { allowPrivate: true })).rejects.toThrow(/answered 404: no such hook$/);
  });

  it('refuses this machine, link-local and metadata addresses always, and private ones unless allowed, sending nothing', async () => {
    const r = await receiver();
    const kind = channelKind('webhook')!;
    const port = new URL(r.url).port;
    for (const [url, allowPrivate, says] of [
      [`http://127.0.0.1:${port}/hook`, true, 'loopback'],
      ['http://[::1]/hook', true, 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', true, 'link-local'],
      ['http://0.0.0.0/hook', true, 'unspecified'],
      [r.url, false, 'http:// is sent only to a private network'],
      [r.url.replace('http:', 'https:'), false, 'private network'],
      ['http://192.0.2.10/hook', true, 'http:// is sent only to a private network'],
      ['https://localhost/hook', true, 'loopback'],
    ] as const) {
      await expect(send(kind, kind.parse({ url, secret }), message, { allowPrivate }), url).rejects.toThrow(says);
    }
    expect(r.got).toEqual([]);
  });

  it("emails through the owner's SMTP server, and says in one line when it will not take it or none is set", async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (d: Buffer) => (data += d.toString('utf8')));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((t) => t.address), data });
          done();
        });
      },
      onRcptTo(address, _session, done) {
        done(address.address.endsWith('@example.com') ? undefined : new Error('no such mailbox here'));
      },
    });
    const host = privateAddress();
    await new Promise<void>((r) => smtp.listen(0, host, r));
    closers.push(() => new Promise((r) => smtp.close(() => r())));
    const port = (smtp.server.address() as AddressInfo).port;
    const kind = channelKind('email')!;
    const smtpAt = (security: 'none' | 'starttls') => ({ allowPrivate: false, smtp: async () => ({ host, port, tls: security, user: '', password: '', from: 'spur@example.com' }) });
    await send(kind, kind.parse({ to: 'ops@example.com' }), message, smtpAt('none'));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'spur@example.com', to: ['ops@example.com'] });
    expect(mails[0]!.data).toContain('Subject: [Resolved] web (shop, production) answers again');
    expect(mails[0]!.data).toContain('Healthy since 09:14.');
    await expect(send(kind, kind.parse({ to: 'ops@elsewhere.org' }), message, smtpAt('none'))).rejects.toThrow(new RegExp(`^${host}:${port}: .*no such mailbox here`));
    // STARTTLS required and not offered: nothing is sent in the clear.
    await expect(send(kind, kind.parse({ to: 'ops@example.com' }), message, smtpAt('starttls'))).rejects.toThrow(`${host}:${port}:`);
    expect(mails).toHaveLength(1);
    await expect(send(kind, kind.parse({ to: 'ops@example.com' }), message, { allowPrivate: false, smtp: async () => null })).rejects.toThrow('no SMTP server is set');
  });
});
