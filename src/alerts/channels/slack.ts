// Slack: an incoming webhook of a workspace (its URL is the secret), plain text without mentions.
import type { ChannelKind } from './kind.js';
import { plainText } from './kind.js';
import { httpsUrl } from './settings.js';

export interface SlackSettings extends Record<string, unknown> {
  webhookUrl: string;
}

/** Slack reads &, < and > as markup: they are escaped, so a name cannot make a link or a mention. */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const slack: ChannelKind<SlackSettings> = {
  kind: 'slack',
  label: 'Slack',
  fields: [{ name: 'webhookUrl', label: 'Incoming webhook URL', hint: 'https://hooks.slack.com/services/…', type: 'password' }],
  secrets: ['webhookUrl'],
  parse: (input) => ({ webhookUrl: httpsUrl('webhookUrl', input.webhookUrl, ['hooks.slack.com']) }),
  describe: () => 'hooks.slack.com',
  deliver: (s, m) => ({ http: { url: s.webhookUrl, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: escape(plainText(m)) }) } }),
};
