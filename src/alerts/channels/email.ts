// Email through an SMTP server the team already has (its password is the secret): TLS from the
// start (465), STARTTLS required (587), or none, for a relay on the same network.
import { InvalidInput } from '../../errors.js';
import type { ChannelKind } from './kind.js';
import { headline, plainText } from './kind.js';
import { text } from './settings.js';

export interface EmailSettings extends Record<string, unknown> {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  user: string;
  password: string;
  from: string;
  to: string[];
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const SECURITY = ['tls', 'starttls', 'none'] as const;

export const email: ChannelKind<EmailSettings> = {
  kind: 'email',
  label: 'Email (SMTP)',
  secrets: ['password'],
  parse(input) {
    const port = Number(input.port ?? 587);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidInput('port', 'must be a port, 1 to 65535');
    const security = (input.security ?? (port === 465 ? 'tls' : 'starttls')) as EmailSettings['security'];
    if (!SECURITY.includes(security)) throw new InvalidInput('security', 'must be tls, starttls or none');
    const list = Array.isArray(input.to) ? input.to : String(input.to ?? '').split(/[\s,]+/).filter(Boolean);
    if (list.length === 0 || list.length > 20) throw new InvalidInput('to', 'must name 1 to 20 addresses');
    const to = list.map((a) => text('to', a, 254, { pattern: ADDRESS, says: `${String(a).slice(0, 60)} is not an email address` }));
    return {
      host: text('host', input.host, 253, { pattern: HOST, says: 'must be a host name or address' }),
      port,
      security,
      user: text('user', input.user, 254, { optional: true }),
      password: text('password', input.password, 1024, { optional: true }),
      from: text('from', input.from, 254, { pattern: ADDRESS, says: 'must be an email address' }),
      to,
    };
  },
  describe: (s) => `${s.to.join(', ')} via ${s.host}`,
  deliver: (_s, m) => ({ email: { subject: headline(m).slice(0, 200), text: plainText(m) } }),
};
