// Telegram: a bot (its token is the secret) writes to a chat, in plain text (no parse mode: nothing
// in a message is read as markup).
import type { ChannelKind } from './kind.js';
import { plainText } from './kind.js';
import { text } from './settings.js';

export interface TelegramSettings extends Record<string, unknown> {
  botToken: string;
  /** A chat's number (groups are negative) or a public channel's @name. */
  chatId: string;
}

/** Telegram's limit for a message's text. */
const MAX = 4096;

export const telegram: ChannelKind<TelegramSettings> = {
  kind: 'telegram',
  label: 'Telegram',
  fields: [{ name: 'botToken', label: 'Bot token', hint: 'as BotFather gives it', type: 'password' }, { name: 'chatId', label: 'Chat', hint: 'a chat number, or a channel @name', type: 'text' }],
  secrets: ['botToken'],
  parse: (input) => ({
    botToken: text('botToken', input.botToken, 100, { pattern: /^\d{5,20}:[A-Za-z0-9_-]{30,60}$/, says: 'must be a bot token as BotFather gives it (digits, a colon, then letters)' }),
    chatId: text('chatId', input.chatId, 40, { pattern: /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, says: 'must be a chat number or a channel @name' }),
  }),
  describe: (s) => `chat ${s.chatId}`,
  deliver: (s, m) => ({ http: { url: `https://api.telegram.org/bot${s.botToken}/sendMessage`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ chat_id: s.chatId, text: plainText(m).slice(0, MAX), disable_web_page_preview: true }) } }),
};
