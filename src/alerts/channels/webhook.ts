// A generic webhook: Spur POSTs the alert as JSON, signed with HMAC-SHA256 over the timestamp and
// the body, so the receiver can tell it came from this Spur and is not a replay:
//   X-Spur-Timestamp: <unix seconds>
//   X-Spur-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>
// Its URL may be http:// only on a private network the owner allowed (send.ts checks addresses).
import { createHmac } from 'node:crypto';
import { InvalidInput } from '../../errors.js';
import type { ChannelKind } from './kind.js';
import { text } from './settings.js';

export interface WebhookSettings extends Record<string, unknown> {
  /** A secret too: many receivers keep a credential in their URL (?token=…). */
  url: string;
  /** Its host, to name it by. */
  host: string;
  /** At least 16 characters; the receiver holds it too. */
  secret: string;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const webhook: ChannelKind<WebhookSettings> = {
  kind: 'webhook',
  label: 'Webhook (signed)',
  fields: [{ name: 'url', label: 'URL', hint: 'https://… (http:// on a private network the owner allowed)', type: 'password' }, { name: 'secret', label: 'Signing secret', hint: '16 characters or more; the receiver checks X-Spur-Signature with it', type: 'password' }],
  secrets: ['url', 'secret'],
  parse(input) {
    const url = text('url', input.url, 2048);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidInput('url', 'must be a URL');
    }
    if (!['https:', 'http:'].includes(parsed.protocol)) throw new InvalidInput('url', 'must start with https:// (or http:// on a private network)');
    if (parsed.username || parsed.password) throw new InvalidInput('url', 'must not hold a user or password');
    return { url: parsed.href, host: parsed.host, secret: text('secret', input.secret, 200, { pattern: /^.{16,}$/, says: 'must be at least 16 characters' }) };
  },
  describe: (s) => s.host,
  deliver(s, m) {
    const body = JSON.stringify({ event: `alert.${m.state}`, key: m.key, title: m.title, text: m.text, link: m.link ?? null, at: m.at });
    const timestamp = String(Math.floor(Date.parse(m.at) / 1000));
    return { http: { url: s.url, headers: { 'Content-Type': 'application/json', 'User-Agent': 'Spur', 'X-Spur-Timestamp': timestamp, 'X-Spur-Signature': signature(s.secret, timestamp, body) }, body } };
  },
};
