// Where an alert goes: each kind of channel is one descriptor (this interface) in a file of its
// own, so adding a kind is adding a file (index.ts lists them). A descriptor is pure: it checks the
// settings a person gives and says what one message becomes — an HTTP request or an email — and
// sending it is done in one place (send.ts). A message carries what happened and where to look,
// never a variable's value or any other secret.

/** One notification: an alert firing, repeating, resolved, or a test from the channel's page. */
export interface AlertMessage {
  /** notice: something Spur did on its own that the team should know (the autoscaler's changes). */
  state: 'firing' | 'resolved' | 'notice' | 'test';
  /** One line: "web (shop, production) is crash-looping". */
  title: string;
  /** A few plain lines: what was seen, since when. */
  text: string;
  /** Where to look in Spur, when Spur knows its own address. */
  link?: string;
  /** When it happened (ISO). */
  at: string;
  /** Which alert it is, the same for its firing, repeats and resolution. */
  key: string;
}

/** A POST of a JSON or text body. */
export interface HttpDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface EmailDelivery {
  subject: string;
  text: string;
}

export type Delivery = { http: HttpDelivery } | { email: EmailDelivery };

export interface ChannelField {
  name: string;
  label: string;
  hint?: string;
  /** password: a secret, not shown as typed. */
  type: 'text' | 'url' | 'password';
}

export interface ChannelKind<Settings extends Record<string, unknown> = Record<string, unknown>> {
  kind: string;
  /** As a person names it: "Slack", "Email (SMTP)". */
  label: string;
  /** The settings from a form or the API, checked (InvalidInput, field by field, when wrong). */
  parse(input: Record<string, unknown>): Settings;
  /** What a form asks for, in order. */
  fields: readonly ChannelField[];
  /** Which settings are secrets: sealed at rest, never shown or sent back again. */
  secrets: readonly (keyof Settings & string)[];
  /** One line for a list, without secrets: "#ops on hooks.slack.com". */
  describe(settings: Settings): string;
  deliver(settings: Settings, message: AlertMessage): Delivery;
}

const WORDS: Record<AlertMessage['state'], string> = { firing: 'Alert', resolved: 'Resolved', notice: 'Notice', test: 'Test' };

/** The first line most channels show: "[Alert] web (shop, production) is crash-looping". */
export const headline = (m: AlertMessage) => `[${WORDS[m.state]}] ${m.title}`;

/** The message as plain text, for chats and email. */
export const plainText = (m: AlertMessage) => [headline(m), m.text, m.link ? `Open: ${m.link}` : '', `At ${m.at}`].filter(Boolean).join('\n');
