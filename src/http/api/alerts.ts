// Alerts: where they go (the installation's channels, an owner's; a project's, its admins'), the
// rules that raise them (built-in ones switched on or off, threshold rules added), and the alerts
// themselves, open and past.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { CHANNEL_KINDS } from '../../alerts/channels/index.js';
import { BUILT_IN_RULES } from '../../alerts/rules/index.js';
import { METRICS } from '../../alerts/rules/threshold.js';
import * as alerts from '../../actions/alert-channels.js';
import * as alerting from '../../actions/alerts.js';
import type { ApiRoutes } from './door.js';
import { json, noContent } from './schemas.js';

const ChannelView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string(),
  label: z.string().describe('Slack, Webhook (signed), …'),
  destination: z.string().describe('Where it goes, without secrets'),
  createdAt: z.string(),
});
const Channels = z.object({ channels: z.array(ChannelView) });

/** `{ name, kind, ...its settings }`: each kind reads its own fields (alerts/channels). */
const NewChannel = z
  .strictObject({
    name: z.string().describe('Lowercase letters, digits and hyphens, at most 30, such as oncall'),
    kind: z.string().describe(`The kind of channel: ${CHANNEL_KINDS.map((k) => k.kind).join(', ')}`),
    to: z.union([z.string(), z.array(z.string())]).optional().describe('email: 1 to 20 addresses, a list or one string separated by commas'),
    webhookUrl: z.string().optional().describe("slack, discord: the chat's incoming webhook URL (https://hooks.slack.com/…, https://discord.com/api/webhooks/…)"),
    botToken: z.string().optional().describe('telegram: the bot token as BotFather gives it'),
    chatId: z.string().optional().describe('telegram: a chat number, or a channel @name'),
    url: z.string().optional().describe('webhook: the URL to POST to, https:// (http:// on a private network the owner allowed)'),
    secret: z.string().optional().describe('webhook: the signing secret, at least 16 characters; the receiver checks X-Spur-Signature with it'),
  })
  .describe('A channel: its name, its kind, and the settings of that kind');

const TestSent = z.object({ sent: z.literal(true), destination: z.string() });

const AlertView = z.object({
  id: z.number().int(),
  rule: z.string(),
  state: z.enum(['pending', 'firing', 'resolved']),
  title: z.string(),
  text: z.string(),
  link: z.string().nullable(),
  since: z.string().describe('First seen (ISO time)'),
  firedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  notifications: z.array(z.object({ channel: z.string(), state: z.string(), at: z.string(), error: z.string().nullable() })),
});
const Alerts = z.object({ open: z.array(AlertView), history: z.array(AlertView).describe('Resolved alerts, newest first (at most 200)') });

const Target = z.enum(['services', 'databases', 'servers']);
const RuleView = z.object({ id: z.number().int(), name: z.string(), target: Target, subject: z.string().nullable(), metric: z.string(), op: z.string(), value: z.number(), forS: z.number().int() });
const Rules = z.object({
  builtIn: z.array(z.object({ rule: z.string(), label: z.string(), on: z.boolean(), offEverywhere: z.boolean().describe('Turned off for the whole installation by an owner') })),
  rules: z.array(RuleView),
  metrics: z.array(z.object({ metric: z.string(), label: z.string(), unit: z.string(), targets: z.array(Target) })).describe('What a threshold rule may measure, and of what'),
});

const NewRule = z.strictObject({
  name: z.string().describe('Lowercase letters, digits and hyphens, at most 30, such as slow-web'),
  target: Target.describe("What it watches: services, databases, or (the installation's rules only) servers"),
  subject: z.string().nullable().optional().describe("One service's or database's name, or a server's as the Servers page shows it; left out: every one"),
  metric: z.string().describe(`What is measured: ${Object.keys(METRICS).join(', ')} (GET …/alerts/rules lists each with its unit and targets)`),
  op: z.enum(['>', '<']).describe('Above (>) or below (<) the value'),
  value: z.union([z.number(), z.string()]).describe("The threshold, in the metric's unit: a number or a numeric string"),
  for: z
    .union([z.number().int(), z.string()])
    .nullable()
    .optional()
    .describe('Seconds the metric must stay past the value before the alert fires, 0 to 86400 (0 when left out)'),
});

const BuiltInSwitch = z.strictObject({ on: z.boolean().describe('true turns the rule on, false off') });
const BUILT_IN_NOTE = `The built-in rules: ${BUILT_IN_RULES.map((k) => k.rule).join(', ')}.`;

export function alertRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Alerts');
  // Where alerts go: the installation's channels (an owner's) and a project's (its admins').
  r.get('/alerts/channels', { summary: "The installation's alert channels (owners)", answers: [json(200, 'The channels', Channels)] }, async (c) =>
    c.json({ channels: await alerts.alertChannels(deps, c.get('user')) }),
  );
  r.post(
    '/alerts/channels',
    { summary: 'Add an alert channel of the installation (owners)', description: 'Every alert of the installation and of each project goes to each of its channels; at most 10.', body: NewChannel, answers: [json(201, 'The new channel', z.object({ channel: ChannelView }))] },
    async (c, { body }) => c.json({ channel: await alerts.addAlertChannel(deps, c.get('user'), body) }, 201),
  );
  r.delete('/alerts/channels/:id', { summary: 'Remove an alert channel of the installation (owners)', answers: [noContent('Removed')] }, async (c, { params }) => {
    await alerts.removeAlertChannel(deps, c.get('user'), params.id);
    return c.body(null, 204);
  });
  r.post(
    '/alerts/channels/:id/test',
    { summary: 'Send a test message to an alert channel of the installation (owners)', description: 'At most 5 a channel and 20 a person in 10 minutes (429). A message the channel does not take is 502, with what its service answered.', answers: [json(200, 'Sent', TestSent)] },
    async (c, { params }) => c.json(await alerts.testAlertChannel(deps, c.get('user'), params.id)),
  );
  r.get('/projects/:project/alerts/channels', { summary: "A project's alert channels (its admins)", answers: [json(200, 'The channels', Channels)] }, async (c, { params }) =>
    c.json({ channels: await alerts.alertChannels(deps, c.get('user'), params.project) }),
  );
  r.post(
    '/projects/:project/alerts/channels',
    { summary: 'Add an alert channel of a project (its admins)', description: "Every alert of the project goes to each of its channels; at most 10.", body: NewChannel, answers: [json(201, 'The new channel', z.object({ channel: ChannelView }))] },
    async (c, { params, body }) => c.json({ channel: await alerts.addAlertChannel(deps, c.get('user'), body, params.project) }, 201),
  );
  r.delete('/projects/:project/alerts/channels/:id', { summary: 'Remove an alert channel of a project (its admins)', answers: [noContent('Removed')] }, async (c, { params }) => {
    await alerts.removeAlertChannel(deps, c.get('user'), params.id, params.project);
    return c.body(null, 204);
  });
  r.post(
    '/projects/:project/alerts/channels/:id/test',
    { summary: 'Send a test message to an alert channel of a project (its admins)', description: 'At most 5 a channel and 20 a person in 10 minutes (429). A message the channel does not take is 502.', answers: [json(200, 'Sent', TestSent)] },
    async (c, { params }) => c.json(await alerts.testAlertChannel(deps, c.get('user'), params.id, params.project)),
  );

  // The alerts and the rules: the installation's and every project's (owners), a project's.
  r.get('/alerts', { summary: "The open and past alerts of the installation and every project (owners)", answers: [json(200, 'The alerts', Alerts)] }, async (c) => c.json(await alerting.alertsOf(deps, c.get('user'))));
  r.get('/alerts/rules', { summary: "The installation's alert rules: built-in and threshold (owners)", answers: [json(200, 'The rules', Rules)] }, async (c) => c.json(await alerting.alertRules(deps, c.get('user'))));
  r.post(
    '/alerts/rules',
    { summary: 'Add a threshold rule of the installation (owners)', description: 'At most 50.', body: NewRule, answers: [json(201, 'The new rule', z.object({ rule: RuleView }))] },
    async (c, { body }) => c.json({ rule: await alerting.addAlertRule(deps, c.get('user'), body) }, 201),
  );
  r.delete('/alerts/rules/:id', { summary: 'Remove a threshold rule of the installation (owners)', answers: [noContent('Removed')] }, async (c, { params }) => {
    await alerting.removeAlertRule(deps, c.get('user'), params.id);
    return c.body(null, 204);
  });
  r.put(
    '/alerts/rules/built-in/:rule',
    { summary: 'Turn a built-in rule on or off everywhere (owners)', description: BUILT_IN_NOTE, body: BuiltInSwitch, answers: [noContent('Switched')] },
    async (c, { params, body }) => {
      await alerting.switchBuiltInRule(deps, c.get('user'), params.rule, body);
      return c.body(null, 204);
    },
  );
  r.get('/projects/:project/alerts', { summary: "A project's open and past alerts (its members)", answers: [json(200, 'The alerts', Alerts)] }, async (c, { params }) =>
    c.json(await alerting.alertsOf(deps, c.get('user'), params.project)),
  );
  r.get('/projects/:project/alerts/rules', { summary: "A project's alert rules: built-in and threshold (its admins)", answers: [json(200, 'The rules', Rules)] }, async (c, { params }) =>
    c.json(await alerting.alertRules(deps, c.get('user'), params.project)),
  );
  r.post(
    '/projects/:project/alerts/rules',
    { summary: 'Add a threshold rule of a project (its admins)', description: 'At most 50; servers are not a target of a project.', body: NewRule, answers: [json(201, 'The new rule', z.object({ rule: RuleView }))] },
    async (c, { params, body }) => c.json({ rule: await alerting.addAlertRule(deps, c.get('user'), body, params.project) }, 201),
  );
  r.delete('/projects/:project/alerts/rules/:id', { summary: 'Remove a threshold rule of a project (its admins)', answers: [noContent('Removed')] }, async (c, { params }) => {
    await alerting.removeAlertRule(deps, c.get('user'), params.id, params.project);
    return c.body(null, 204);
  });
  r.put(
    '/projects/:project/alerts/rules/built-in/:rule',
    { summary: 'Turn a built-in rule on or off for a project (its admins)', description: `${BUILT_IN_NOTE} One an owner turned off everywhere stays off.`, body: BuiltInSwitch, answers: [noContent('Switched')] },
    async (c, { params, body }) => {
      await alerting.switchBuiltInRule(deps, c.get('user'), params.rule, body, params.project);
      return c.body(null, 204);
    },
  );
}
