// Unit: each kind of channel checks its settings (refusing what is not its own), and makes a
// message what that service expects, with nothing in it read as markup or a mention; the webhook's
// signature is the HMAC a receiver recomputes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../errors.js';
import { CHANNEL_KINDS, channelKind } from './index.js';
import type { AlertMessage } from './kind.js';
import { signature } from './webhook.js';

const message: AlertMessage = { state: 'firing', title: 'web (shop, production) is crash-looping', text: '3 exits in 5 minutes: <@everyone> exited with code 1 & more', link: 'https://spur.example.com/projects/shop/services/web/metrics?env=production', at: '2026-12-06T09:00:00.000Z', key: 'crash-loop:spur_shop_web_production' };
const http = (kind: string, settings: Record<string, unknown>) => {
  const k = channelKind(kind)!;
  const d = k.deliver(k.parse(settings), message);
  if (!('http' in d)) throw new Error('not an HTTP delivery');
  return { ...d.http, json: JSON.parse(d.http.body) };
};
const refusedField = (kind: string, settings: Record<string, unknown>) => {
  try {
    channelKind(kind)!.parse(settings);
  } catch (err) {
    if (err instanceof InvalidInput) return err.field;
    throw err;
  }
  return null;
};

describe('channel kinds', () => {
  it('are one descriptor each, with a label and the secrets they keep', () => {
    expect(CHANNEL_KINDS.map((k) => [k.kind, k.secrets])).toEqual([['email', []], ['slack', ['webhookUrl']], ['discord', ['webhookUrl']], ['telegram', ['botToken']], ['webhook', ['url', 'secret']]]);
  });

  it('Slack: its own webhook host only; &, < and > escaped so nothing becomes a link or a mention', () => {
    const sent = http('slack', { webhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz' });
    expect(sent.url).toBe('https://hooks.slack.com/services/T0/B0/xyz');
    expect(sent.json.text).toContain('[Alert] web (shop, production) is crash-looping');
    expect(sent.json.text).toContain('&lt;@everyone&gt; exited with code 1 &amp; more');
    for (const url of ['http://hooks.slack.com/services/x', 'https://hooks.slack.com.evil.example/services/x', 'https://evil.example/?hooks.slack.com', 'https://user:pw@hooks.slack.com/x', 'not a url', '']) expect(refusedField('slack', { webhookUrl: url }), url).toBe('webhookUrl');
  });

  it('Discord: its own webhook host only, and allowed_mentions empty so no one is pinged', () => {
    const sent = http('discord', { webhookUrl: 'https://discord.com/api/webhooks/1/abc' });
    expect(sent.json).toEqual({ content: expect.stringContaining('<@everyone>'), allowed_mentions: { parse: [] } });
    expect(refusedField('discord', { webhookUrl: 'https://discord.gg/api/webhooks/1/abc' })).toBe('webhookUrl');
  });

  it('Telegram: a bot token and a chat as BotFather and Telegram give them, plain text', () => {
    const sent = http('telegram', { botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chatId: '-1001234567890' });
    expect(sent.url).toBe('https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage');
    expect(sent.json).toMatchObject({ chat_id: '-1001234567890', disable_web_page_preview: true });
    expect(sent.json.parse_mode).toBeUndefined();
    for (const botToken of ['123:short', '123456789:AAHdq/../x', 'x'.repeat(40)]) expect(refusedField('telegram', { botToken, chatId: '1' }), botToken).toBe('botToken');
    expect(refusedField('telegram', { botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chatId: 'me; rm -rf' })).toBe('chatId');
  });

  it('webhook: JSON signed with HMAC-SHA256 over the timestamp and the body, which a receiver recomputes', () => {
    const secret = 'a shared secret of 32 characters';
    const sent = http('webhook', { url: 'https://hooks.example.com/spur', secret });
    expect(sent.json).toEqual({ event: 'alert.firing', key: message.key, title: message.title, text: message.text, link: message.link, at: message.at });
    const timestamp = sent.headers['X-Spur-Timestamp']!;
    expect(timestamp).toBe(String(Date.parse(message.at) / 1000));
    expect(sent.headers['X-Spur-Signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${sent.body}`).digest('hex')}`);
    expect(signature('another secret entirely', timestamp, sent.body)).not.toBe(sent.headers['X-Spur-Signature']);
    expect(refusedField('webhook', { url: 'https://hooks.example.com/spur', secret: 'short' })).toBe('secret');
    for (const url of ['ftp://hooks.example.com/', 'file:///etc/passwd', 'https://u:p@hooks.example.com/']) expect(refusedField('webhook', { url, secret }), url).toBe('url');
  });

  it('email: 1 to 20 addresses, each one; the subject is the headline and the body plain text', () => {
    const kind = channelKind('email')!;
    const settings = kind.parse({ to: 'ops@example.com, oncall@example.com' });
    expect(settings).toEqual({ to: ['ops@example.com', 'oncall@example.com'] });
    expect(kind.parse({ to: ['a@b.co'] })).toEqual({ to: ['a@b.co'] });
    expect(kind.deliver(settings, message)).toEqual({ email: { subject: '[Alert] web (shop, production) is crash-looping', text: expect.stringContaining(`Open: ${message.link}`) } });
    expect(kind.describe(settings)).toBe('ops@example.com, oncall@example.com');
    for (const to of ['', 'x@y.co\r\nBcc: z@w.co', 'Spur <a@b.co>', Array.from({ length: 21 }, (_, i) => `u${i}@example.com`).join(',')]) expect(refusedField('email', { to }), to).toBe('to');
  });

});
