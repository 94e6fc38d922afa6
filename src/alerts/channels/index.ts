// The kinds of channel an alert can go to; each is one descriptor file (kind.ts says what one is).
import { discord } from './discord.js';
import { email } from './email.js';
import type { ChannelKind } from './kind.js';
import { slack } from './slack.js';
import { telegram } from './telegram.js';
import { webhook } from './webhook.js';

export type { AlertMessage, ChannelKind, Delivery } from './kind.js';

export const CHANNEL_KINDS: readonly ChannelKind<any>[] = [email, slack, discord, telegram, webhook];

export const channelKind = (kind: string) => CHANNEL_KINDS.find((k) => k.kind === kind);
