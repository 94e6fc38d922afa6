// A project's events, and the webhooks they are posted to: listed without their URLs and secrets,
// added (URL and secret checked as the alert webhook checks them), removed, their deliveries
// listed and one sent again.
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import { webhook } from '../alerts/channels/webhook.js';
import { Conflict, InvalidInput, NotFound, TooManyRequests } from '../errors.js';
import { AttemptLimiter } from '../rate-limit.js';
import { EVENT_TYPES, type EventPayload, isEventType } from '../store/event-types.js';
import {
  type DeliveryRow,
  type EventWebhookRecord,
  createEventWebhook,
  deleteEventWebhook,
  eventPayload,
  findEventWebhook,
  listDeliveries,
  listEventWebhooks,
  listEvents,
  redeliver,
} from '../store/events.js';
import * as validate from '../validate.js';
import { type Actor, mayDo, openProject } from './access.js';
import { type AuditObject, audit } from './record.js';

/** Webhooks a project may have: each event is posted to every one that wants it. */
export const WEBHOOKS_MAX = 10;
/** Deliveries a webhook's log lists. */
export const DELIVERIES_LISTED = 50;
export const EVENTS_LISTED_MAX = 500;

export interface EventWebhookView {
  id: number;
  name: string;
  /** Where it posts, without the path and query (they may hold a credential). */
  host: string;
  /** The event types it is sent; ["*"] for every one. */
  types: string[];
  createdAt: string;
}

export interface DeliveryView {
  id: number;
  event: number;
  type: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The receiver's HTTP status at the last attempt; null when none answered. */
  status: number | null;
  error: string | null;
  lastAttemptAt: string | null;
  /** When it is tried again (pending only). */
  nextAttemptAt: string | null;
  createdAt: string;
}

const toView = (w: EventWebhookRecord): EventWebhookView => ({ id: w.id, name: w.name, host: w.host, types: JSON.parse(w.types), createdAt: w.created_at });

const deliveryView = (d: DeliveryRow): DeliveryView => ({ id: d.id, event: d.event_id, type: d.type, state: d.state, attempts: d.attempts, status: d.last_status, error: d.last_error, lastAttemptAt: d.last_at, nextAttemptAt: d.state === 'pending' ? d.next_at : null, createdAt: d.created_at });

const webhookObject = (projectId: number, w: Pick<EventWebhookRecord, 'id' | 'name'>): AuditObject => ({ kind: 'event-webhook', id: w.id, name: w.name, projectId });

/** Event types as a request gives them: a list, or one string separated by commas; none: all. */
export function parseEventTypes(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return ['*'];
  const list = (Array.isArray(value) ? value : String(value).split(',')).map((t) => String(t).trim()).filter(Boolean);
  if (!list.length || list.length > Object.keys(EVENT_TYPES).length + 1) throw new InvalidInput('types', `must be * or some of ${Object.keys(EVENT_TYPES).join(', ')}`);
  for (const t of list) {
    if (t !== '*' && !isEventType(t)) throw new InvalidInput('types', `${t.slice(0, 40)} is not an event type; they are ${Object.keys(EVENT_TYPES).join(', ')}`);
  }
  return list.includes('*') ? ['*'] : [...new Set(list)];
}

export async function eventWebhooks(deps: Deps, user: Actor, project: string): Promise<EventWebhookView[]> {
  const { project: p } = await openProject(deps.db, user, project, 'webhooks.manage');
  return (await listEventWebhooks(deps.db, p.id)).map(toView);
}

/** `{ name, url, secret?, types? }`. Without a secret Spur makes one, answered once, here. */
export async function addEventWebhook(deps: Deps, user: Actor, project: string, body: Record<string, unknown>): Promise<EventWebhookView & { secret?: string }> {
  const { project: p } = await openProject(deps.db, user, project, 'webhooks.manage');
  const name = validate.resourceName('webhook', body.name);
  const made = body.secret === undefined || body.secret === null || body.secret === '';
  const secret = made ? randomBytes(24).toString('hex') : body.secret;
  const checked = webhook.parse({ url: body.url, secret });
  const types = parseEventTypes(body.types);
  const added = await createEventWebhook(deps.db, deps.key, { projectId: p.id, name, host: checked.host, types, url: checked.url, secret: checked.secret }, WEBHOOKS_MAX);
  if (added === 'full') throw new Conflict(`a project may have ${WEBHOOKS_MAX} webhooks; remove one first`);
  if (!added) throw new Conflict(`a webhook named ${name} exists already`);
  await audit(deps, user, 'webhooks.add', webhookObject(p.id, added), { after: { name, host: checked.host, types } });
  return { ...toView(added), ...(made ? { secret: checked.secret } : {}) };
}

async function openWebhook(deps: Deps, user: Actor, project: string, id: unknown) {
  const { project: p } = await openProject(deps.db, user, project, 'webhooks.manage');
  const found = await findEventWebhook(deps.db, p.id, validate.integer('webhook', id, 1, Number.MAX_SAFE_INTEGER));
  if (!found) throw new NotFound('no such webhook');
  return { project: p, webhook: found };
}

export async function removeEventWebhook(deps: Deps, user: Actor, project: string, id: unknown): Promise<void> {
  const { project: p, webhook: w } = await openWebhook(deps, user, project, id);
  await deleteEventWebhook(deps.db, p.id, w.id);
  await audit(deps, user, 'webhooks.remove', webhookObject(p.id, w), { before: { name: w.name, host: w.host } });
}

export async function webhookDeliveries(deps: Deps, user: Actor, project: string, id: unknown): Promise<{ webhook: EventWebhookView; deliveries: DeliveryView[] }> {
  const { webhook: w } = await openWebhook(deps, user, project, id);
  return { webhook: toView(w), deliveries: (await listDeliveries(deps.db, w.id, DELIVERIES_LISTED)).map(deliveryView) };
}

/** Redeliveries a webhook, and a person, may ask for in 10 minutes: each is a POST to a receiver an
 *  admin chose, sent by the one deliverer every project shares. */
export const REDELIVERIES_PER_WEBHOOK_MAX = 10;
const REDELIVERIES_PER_USER_MAX = 30;
const limits = new WeakMap<object, { webhook: AttemptLimiter; user: AttemptLimiter }>();
const limitsOf = (deps: Deps) => {
  let l = limits.get(deps.db);
  if (!l) limits.set(deps.db, (l = { webhook: new AttemptLimiter({ max: REDELIVERIES_PER_WEBHOOK_MAX, windowMs: 600_000 }), user: new AttemptLimiter({ max: REDELIVERIES_PER_USER_MAX, windowMs: 600_000 }) }));
  return l;
};

/** Sends a delivery's event again now, as a new delivery; refused while that event is still to be
 *  sent to this webhook, and past the limits above. */
export async function redeliverEvent(deps: Deps, user: Actor, project: string, id: unknown, delivery: unknown): Promise<{ delivery: number }> {
  const { project: p, webhook: w } = await openWebhook(deps, user, project, id);
  const deliveryId = validate.integer('delivery', delivery, 1, Number.MAX_SAFE_INTEGER);
  // Before anything is written, in one synchronous step: parallel requests cannot all pass.
  const limit = limitsOf(deps);
  if (!limit.webhook.attempt(`w${w.id}`)) throw new TooManyRequests(`${w.name} was asked to redeliver ${REDELIVERIES_PER_WEBHOOK_MAX} times in the last 10 minutes; try again later`);
  if (!limit.user.attempt(`u${user.id}`)) throw new TooManyRequests(`you asked for ${REDELIVERIES_PER_USER_MAX} redeliveries in the last 10 minutes; try again later`);
  const made = await redeliver(deps.db, w.id, deliveryId);
  if (made === 'pending') throw new Conflict('that event is still to be sent to this webhook; its delivery log says when');
  if (!made) throw new NotFound('no such delivery of this webhook');
  await audit(deps, user, 'webhooks.redeliver', webhookObject(p.id, w), { after: { delivery: made.id, of: Number(delivery) } });
  return { delivery: made.id };
}

/** The project's events: after `after` (oldest first), or else the newest `limit` (newest last). */
export async function projectEvents(deps: Deps, user: Actor, project: string, opts: { after?: unknown; limit?: unknown }): Promise<EventPayload[]> {
  const { project: p, acting } = await openProject(deps.db, user, project, 'project.read');
  const limit = opts.limit === undefined ? 100 : validate.integer('limit', opts.limit, 1, EVENTS_LISTED_MAX);
  // Who was added is the member list's to say, and that is an admin's to read.
  const shown = mayDo(acting, 'members.manage') ? (e: EventPayload) => e : withoutMemberEmail;
  const events =
    opts.after !== undefined
      ? await listEvents(deps.db, p.id, { afterId: validate.integer('after', opts.after, 0, Number.MAX_SAFE_INTEGER), limit })
      : (await listEvents(deps.db, p.id, { limit, newest: true })).reverse();
  return events.map((e) => shown(eventPayload(e, p.name)));
}

const withoutMemberEmail = (e: EventPayload): EventPayload => (e.type === 'member.added' ? { ...e, data: { role: e.data.role } } : e);
