// Sends what a channel made of a message (kind.ts): an HTTP POST, or an email through the SMTP
// server an owner set (src/users/mail.ts). A POST goes to an address a project's admin typed: the
// name is resolved and refused
// when it is this machine, link-local (cloud metadata) or, unless the owner allows it
// (SPUR_NOTIFY_ALLOW_PRIVATE=1), a private network; the connection then goes to that very address,
// so a name that answers otherwise the second time is not followed. Redirects are not followed.
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { addressKind } from '../../git/host.js';
import { type SmtpSettings, sendMail } from '../../users/mail.js';
import type { EmailSettings } from './email.js';
import type { ChannelKind, EmailDelivery, HttpDelivery } from './kind.js';
import type { AlertMessage } from './kind.js';

export interface SendOptions {
  allowPrivate: boolean;
  /** The owner's SMTP server, for email; null when none is set. */
  smtp?: () => Promise<SmtpSettings | null>;
  timeoutMs?: number;
  /** The setting that allows private networks, named when one is refused. */
  allowPrivateSetting?: string;
  /** Certificate authorities trusted besides the system's (a private git host's, for its API). */
  ca?: string;
  /** How a name is resolved (the system's resolver unless a test says otherwise). */
  resolve?: (host: string) => Promise<string[]>;
}

const systemResolve = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

const TIMEOUT_MS = 10_000;
/** Of an answer, only this much is read (to say what went wrong). */
const ANSWER_BYTES = 4096;

export class DeliveryFailed extends Error {
  /** The receiver's HTTP status, when it answered. */
  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

export async function send(kind: ChannelKind<any>, settings: Record<string, unknown>, message: AlertMessage, opts: SendOptions): Promise<void> {
  const delivery = kind.deliver(settings, message);
  if ('http' in delivery) await post(delivery.http, opts);
  else await mail(settings as EmailSettings, delivery.email, opts);
}

/** The address to connect to for `host`, refused as the header says. */
export async function allowedAddress(host: string, allowPrivate: boolean, allowPrivateSetting = 'SPUR_NOTIFY_ALLOW_PRIVATE=1', resolve = systemResolve): Promise<string> {
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new DeliveryFailed(`${host} does not resolve`);
    }
  }
  // A refusal names the kind of address, never the address a name resolved to: the delivery log
  // must not tell a project's admin what this machine's resolver knows.
  const is = isIP(host) ? 'is' : 'resolves to';
  for (const address of addresses) {
    const kind = addressKind(address);
    if (kind !== 'private' && kind !== 'public') throw new DeliveryFailed(`${host} ${is} a ${kind} address; Spur does not send there`);
    if (kind === 'private' && !allowPrivate) throw new DeliveryFailed(`${host} ${is} an address on a private network; the owner can allow it with ${allowPrivateSetting}`);
  }
  return addresses[0]!;
}

const pinned = (address: string): LookupFunction => (_host, options, callback) => {
  const family = isIP(address);
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
  else callback(null, address, family);
};

/** POSTs once to an address checked as the header says: the receiver's 2xx status, or a rejection
 *  with DeliveryFailed. */
export async function post(h: HttpDelivery, opts: SendOptions): Promise<number> {
  const url = new URL(h.url);
  const setting = opts.allowPrivateSetting ?? 'SPUR_NOTIFY_ALLOW_PRIVATE=1';
  if (url.protocol === 'http:' && !opts.allowPrivate) throw new DeliveryFailed(`http:// is sent only to a private network the owner allowed (${setting}); use https://`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // One deadline for all of it: a resolver that does not answer counts against it too.
  const limitMs = opts.timeoutMs ?? TIMEOUT_MS;
  const startedAt = Date.now();
  let unresolved: NodeJS.Timeout | undefined;
  const address = await Promise.race([
    allowedAddress(host, opts.allowPrivate, setting, opts.resolve),
    new Promise<never>((_, reject) => (unresolved = setTimeout(() => reject(new DeliveryFailed(`${host} did not resolve within ${limitMs / 1000} s`)), limitMs))),
  ]).finally(() => clearTimeout(unresolved));
  const leftMs = Math.max(1, limitMs - (Date.now() - startedAt));
  if (url.protocol === 'http:' && addressKind(address) !== 'private') throw new DeliveryFailed('http:// is sent only to a private network; use https://');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    // No pooled connection: each message connects to the address checked for it.
    const req = request(url, { method: 'POST', agent: false, headers: { ...h.headers, 'Content-Length': Buffer.byteLength(h.body) }, lookup: pinned(address), timeout: leftMs, ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}) }, (res) => {
      let answer = '';
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(status);
        else reject(new DeliveryFailed(`${url.host} answered ${status}${answer.trim() ? `: ${answer.trim().split('\n')[0]!.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200)}` : ''}`, status));
      };
      res.on('data', (d: Buffer) => {
        answer += d.toString('utf8').slice(0, ANSWER_BYTES - answer.length);
        // Enough to say what went wrong: the rest is not read.
        if (answer.length >= ANSWER_BYTES) settle(), res.destroy();
      });
      res.on('end', settle);
      res.on('error', (err) => settled || reject(err));
    });
    // Idle, and all told: a receiver that drips its answer holds nothing past the deadline.
    const late = () => req.destroy(new DeliveryFailed(`${url.host} did not answer within ${limitMs / 1000} s`));
    req.on('timeout', late);
    const deadline = setTimeout(late, leftMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('error', (err) => reject(err instanceof DeliveryFailed ? err : new DeliveryFailed(`${url.host}: ${err.message}`)));
    req.end(h.body);
  });
}

async function mail(s: EmailSettings, e: EmailDelivery, opts: SendOptions): Promise<void> {
  const smtp = await opts.smtp?.();
  if (!smtp) throw new DeliveryFailed('no SMTP server is set: an owner sets one in Settings, and email goes through it');
  try {
    await sendMail(smtp, { to: s.to.join(', '), subject: e.subject, text: e.text });
  } catch (err) {
    throw new DeliveryFailed(`${smtp.host}:${smtp.port}: ${(err as Error).message.split('\n')[0]}`);
  }
}
