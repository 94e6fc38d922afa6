// Email to a few addresses, through the SMTP server an owner set in Settings (the one invitations
// use: src/users/mail.ts), so a channel holds no server and no password of its own.
import { InvalidInput } from '../../errors.js';
import type { ChannelKind } from './kind.js';
import { headline, plainText } from './kind.js';
import { text } from './settings.js';

export interface EmailSettings extends Record<string, unknown> {
  to: string[];
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

export const email: ChannelKind<EmailSettings> = {
  kind: 'email',
  label: 'Email',
  fields: [{ name: 'to', label: 'Send to', hint: 'one to 20 addresses, separated by commas', type: 'text' }],
  secrets: [],
  parse(input) {
    const list = Array.isArray(input.to) ? input.to : String(input.to ?? '').split(/[\s,]+/).filter(Boolean);
    if (list.length === 0 || list.length > 20) throw new InvalidInput('to', 'must name 1 to 20 addresses');
    return { to: list.map((a) => text('to', a, 254, { pattern: ADDRESS, says: `${String(a).slice(0, 60)} is not an email address` })) };
  },
  describe: (s) => s.to.join(', '),
  deliver: (_s, m) => ({ email: { subject: headline(m).slice(0, 200), text: plainText(m) } }),
};
