// Discord: a channel's webhook (its URL is the secret); no mention in a message ever pings anyone.
import type { ChannelKind } from './kind.js';
import { plainText } from './kind.js';
import { httpsUrl } from './settings.js';

export interface DiscordSettings extends Record<string, unknown> {
  webhookUrl: string;
}

/** Discord's limit for a message's content. */
const MAX = 2000;

export const discord: ChannelKind<DiscordSettings> = {
  kind: 'discord',
  label: 'Discord',
  fields: [{ name: 'webhookUrl', label: 'Channel webhook URL', hint: 'https://discord.com/api/webhooks/…', type: 'password' }],
  secrets: ['webhookUrl'],
  parse: (input) => ({ webhookUrl: httpsUrl('webhookUrl', input.webhookUrl, ['discord.com', 'discordapp.com']) }),
  describe: () => 'discord.com',
  deliver: (s, m) => ({ http: { url: s.webhookUrl, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: plainText(m).slice(0, MAX), allowed_mentions: { parse: [] } }) } }),
};
