// Where alerts go: a project's channels (its admins') and the installation's (an owner's, in
// Settings) — listed without their secrets, added, removed, and tried with a test message that
// says where it came from.
import type { Deps } from '../deps.js';
import { CHANNEL_KINDS, channelKind } from '../alerts/channels/index.js';
import { DeliveryFailed, send } from '../alerts/channels/send.js';
import { Conflict, InvalidInput, NotFound, TooManyRequests, UpstreamFailed } from '../errors.js';
import { AttemptLimiter } from '../rate-limit.js';
import { type AlertChannelRecord, channelSettings, createAlertChannel, deleteAlertChannel, findAlertChannel, listAlertChannels } from '../store/alert-channels.js';
import { smtpSettings } from '../store/settings.js';
import * as validate from '../validate.js';
import { type Actor, openProject, requireTo } from './access.js';
import { type AuditObject, audit } from './record.js';

/** Test messages a channel, and a person, may send in 10 minutes (email goes through the owner's
 *  server to addresses nobody confirmed). */
const TESTS_PER_CHANNEL_MAX = 5;
/** Channels of a project, or of the installation: every alert goes to each of them. */
export const CHANNELS_MAX = 10;
const TESTS_PER_USER_MAX = 20;
/** One pair of limits a running Spur (its deps). */
const limits = new WeakMap<object, { channel: AttemptLimiter; user: AttemptLimiter }>();
const limitsOf = (deps: Deps) => {
  let l = limits.get(deps.db);
  if (!l) limits.set(deps.db, (l = { channel: new AttemptLimiter({ max: TESTS_PER_CHANNEL_MAX, windowMs: 600_000 }), user: new AttemptLimiter({ max: TESTS_PER_USER_MAX, windowMs: 600_000 }) }));
  return l;
};

export interface AlertChannelView {
  id: number;
  name: string;
  kind: string;
  /** "Slack", "Webhook (signed)". */
  label: string;
  /** Where it goes, without secrets. */
  destination: string;
  createdAt: string;
}

/** The project's channels (`project` named), or the installation's. */
export interface Scope {
  projectId: number | null;
  /** For messages: "project shop", "this installation". */
  says: string;
}

export async function scopeFor(deps: Deps, user: Actor, project: string | undefined): Promise<Scope> {
  if (project === undefined) {
    await requireTo(deps, user, 'settings.change', { what: 'alert channels' });
    return { projectId: null, says: 'this Spur installation' };
  }
  const { project: p } = await openProject(deps.db, user, project, 'alerts.manage');
  return { projectId: p.id, says: `project ${p.name}` };
}

const toView = (r: AlertChannelRecord): AlertChannelView => {
  const kind = channelKind(r.kind);
  return { id: r.id, name: r.name, kind: r.kind, label: kind?.label ?? r.kind, destination: kind ? kind.describe(JSON.parse(r.settings)) : '', createdAt: r.created_at };
};

const channelObject = (scope: Scope, r: Pick<AlertChannelRecord, 'id' | 'name'>): AuditObject => ({ kind: 'alert-channel', id: r.id, name: r.name, projectId: scope.projectId });

export async function alertChannels(deps: Deps, user: Actor, project?: string): Promise<AlertChannelView[]> {
  const scope = await scopeFor(deps, user, project);
  return (await listAlertChannels(deps.db, scope.projectId)).map(toView);
}

/** `{ name, kind, ...its settings }` (alerts/channels: each kind says what it takes). */
export async function addAlertChannel(deps: Deps, user: Actor, body: Record<string, unknown>, project?: string): Promise<AlertChannelView> {
  const scope = await scopeFor(deps, user, project);
  const name = validate.resourceName('channel', body.name);
  const kind = channelKind(String(body.kind ?? ''));
  if (!kind) throw new InvalidInput('kind', `must be one of ${CHANNEL_KINDS.map((k) => k.kind).join(', ')}`);
  const settings = kind.parse(body);
  const secrets = Object.fromEntries(kind.secrets.map((k) => [k, settings[k]]));
  const plain = Object.fromEntries(Object.entries(settings).filter(([k]) => !kind.secrets.includes(k)));
  const made = await createAlertChannel(deps.db, deps.key, { projectId: scope.projectId, name, kind: kind.kind, settings: plain, secrets }, CHANNELS_MAX);
  if (made === 'full') throw new Conflict(`${scope.projectId === null ? 'the installation' : 'a project'} may have ${CHANNELS_MAX} channels; remove one first`);
  if (!made) throw new Conflict(`a channel named ${name} exists already`);
  await audit(deps, user, 'alerts.channel-add', channelObject(scope, made), { after: { name, kind: kind.kind, destination: kind.describe(plain) } });
  return toView(made);
}

export async function removeAlertChannel(deps: Deps, user: Actor, id: unknown, project?: string): Promise<void> {
  const scope = await scopeFor(deps, user, project);
  const found = await findAlertChannel(deps.db, scope.projectId, validate.integer('channel', id, 1, Number.MAX_SAFE_INTEGER));
  if (!found) throw new NotFound('no such channel');
  await deleteAlertChannel(deps.db, scope.projectId, found.id);
  await audit(deps, user, 'alerts.channel-remove', channelObject(scope, found), { before: { name: found.name, kind: found.kind } });
}

/** Sends a test message now; refused with what the channel's service answered when it does not take it. */
export async function testAlertChannel(deps: Deps, user: Actor, id: unknown, project?: string): Promise<{ sent: true; destination: string }> {
  const scope = await scopeFor(deps, user, project);
  const found = await findAlertChannel(deps.db, scope.projectId, validate.integer('channel', id, 1, Number.MAX_SAFE_INTEGER));
  const kind = found && channelKind(found.kind);
  if (!found || !kind) throw new NotFound('no such channel');
  // Before anything is sent, in one synchronous step: parallel requests cannot all pass.
  const limit = limitsOf(deps);
  if (!limit.channel.attempt(`c${found.id}`)) throw new TooManyRequests(`${found.name} was tried ${TESTS_PER_CHANNEL_MAX} times in the last 10 minutes; try again later`);
  if (!limit.user.attempt(`u${user.id}`)) throw new TooManyRequests(`you tried ${TESTS_PER_USER_MAX} channels in the last 10 minutes; try again later`);
  const message = { state: 'test' as const, title: `Spur can reach ${found.name}`, text: `Alerts of ${scope.says} go to this channel. Sent on request by ${user.email}.`, at: new Date().toISOString(), key: `test:${found.id}` };
  try {
    await send(kind, channelSettings(deps.key, found), message, { allowPrivate: deps.config.notifyAllowPrivate, smtp: () => smtpSettings(deps.db, deps.key) });
  } catch (err) {
    if (!(err instanceof DeliveryFailed)) throw err;
    // A project's admin is not told what the owner's mail server said (its name, its words).
    const why = kind.kind === 'email' && scope.projectId !== null ? "the owner's mail server did not take it" : err.message;
    await audit(deps, user, 'alerts.channel-test', channelObject(scope, found), { after: { arrived: false, why } });
    throw new UpstreamFailed(`the test message did not arrive: ${why}`);
  }
  await audit(deps, user, 'alerts.channel-test', channelObject(scope, found), { after: { arrived: true } });
  return { sent: true, destination: kind.describe(JSON.parse(found.settings)) };
}
