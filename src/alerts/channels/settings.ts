// Checks shared by the channel descriptors. Pure.
import { InvalidInput } from '../../errors.js';

/** A string of at most `max` characters, trimmed; required unless `optional`. */
export function text(field: string, value: unknown, max: number, opts: { optional?: boolean; pattern?: RegExp; says?: string } = {}): string {
  const v = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : undefined;
  if (v === undefined) throw new InvalidInput(field, 'must be text');
  if (!v) {
    if (opts.optional) return '';
    throw new InvalidInput(field, 'is required');
  }
  if (v.length > max) throw new InvalidInput(field, `must be at most ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new InvalidInput(field, 'must not hold control characters');
  if (opts.pattern && !opts.pattern.test(v)) throw new InvalidInput(field, opts.says ?? 'is not valid');
  return v;
}

/** An https:// URL whose host is one of `hosts` (a chat's own webhook address), or any host. */
export function httpsUrl(field: string, value: unknown, hosts?: readonly string[]): string {
  const raw = text(field, value, 2048);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInput(field, 'must be a URL');
  }
  if (url.protocol !== 'https:') throw new InvalidInput(field, 'must start with https://');
  if (url.username || url.password) throw new InvalidInput(field, 'must not hold a user or password');
  if (hosts && !hosts.includes(url.hostname)) throw new InvalidInput(field, `must be an address on ${hosts.join(' or ')}`);
  return url.href;
}
