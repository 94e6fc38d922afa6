// Events out (migration 050): each event is recorded in the transaction of the change it tells of,
// with a pending delivery for every webhook of the project that asked for its type (an outbox).
// The deliverer (src/events/deliverer.ts) sends what is due and records each attempt here.
import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/open.js';
import type { Deployment, EventDeliveryTable, EventTable, EventWebhookTable } from '../db/schema.js';
import type { EventPayload, EventType } from './event-types.js';
import { seal, unseal } from '../secrets.js';
import { inTransaction, nowIso } from './time.js';

export type EventRecord = Selectable<EventTable>;
export type EventWebhookRecord = Selectable<EventWebhookTable>;
export type EventDeliveryRecord = Selectable<EventDeliveryTable>;

/** How long events and their deliveries are kept. */
export const EVENTS_KEPT_DAYS = 30;

/** Records an event of the project, and a delivery due now for each webhook that wants it: in the
 *  caller's transaction when it has one, so the change and its event stand or fall together. */
export function recordEvent(db: Db, projectId: number, type: EventType, data: Record<string, unknown>): Promise<EventRecord> {
  return inTransaction(db, async (tx) => {
    const now = nowIso();
    const event = await tx.insertInto('events').values({ project_id: projectId, type, data: JSON.stringify(data), created_at: now }).returningAll().executeTakeFirstOrThrow();
    const hooks = await tx.selectFrom('event_webhooks').select(['id', 'types']).where('project_id', '=', projectId).execute();
    const wanting = hooks.filter((h) => wants(h.types, type));
    if (wanting.length) await tx.insertInto('event_deliveries').values(wanting.map((h) => ({ event_id: event.id, webhook_id: h.id, state: 'pending' as const, next_at: now, last_status: null, last_error: null, last_at: null, created_at: now }))).execute();
    return event;
  });
}

const wants = (types: string, type: string) => {
  const list = JSON.parse(types) as string[];
  return list.includes('*') || list.includes(type);
};

/** A deployment's event, with the names a receiver needs (its service, environment, commit). */
export async function recordDeploymentEvent(db: Db, type: EventType, d: Deployment): Promise<void> {
  const service = await db.selectFrom('services').select(['project_id', 'name as service']).where('id', '=', d.service_id).executeTakeFirst();
  const environment = await db.selectFrom('environments').select('name').where('id', '=', d.environment_id).executeTakeFirst();
  if (!service || !environment) return;
  await recordEvent(db, service.project_id, type, {
    deployment: d.id,
    service: service.service,
    environment: environment.name,
    status: d.status,
    trigger: d.trigger,
    commit: d.commit_sha,
    ...(d.source_deployment_id ? { rollbackTo: d.source_deployment_id } : {}),
    ...(d.failure_reason && d.status === 'failed' ? { reason: d.failure_reason } : {}),
  });
}

/** The project's events after `afterId`, oldest first. */
export const listEvents = (db: Db, projectId: number, opts: { afterId?: number; limit: number; newest?: boolean }) => {
  let q = db.selectFrom('events').selectAll().where('project_id', '=', projectId);
  if (opts.afterId) q = q.where('id', '>', opts.afterId);
  return q.orderBy('id', opts.newest ? 'desc' : 'asc').limit(opts.limit).execute();
};

export const eventPayload = (e: EventRecord, project: string): EventPayload => ({ id: e.id, type: e.type, project, createdAt: e.created_at, data: JSON.parse(e.data) });

// Webhooks

export const listEventWebhooks = (db: Db, projectId: number) => db.selectFrom('event_webhooks').selectAll().where('project_id', '=', projectId).orderBy('name').execute();

export const findEventWebhook = (db: Db, projectId: number, id: number) => db.selectFrom('event_webhooks').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();

/** Adds a webhook; undefined when the name is taken, 'full' when the project has `max` already
 *  (counted and added in one transaction). */
export function createEventWebhook(db: Db, key: Buffer, input: { projectId: number; name: string; host: string; types: string[]; url: string; secret: string }, max: number): Promise<EventWebhookRecord | 'full' | undefined> {
  return db.transaction().execute(async (tx) => {
    const { n } = await tx.selectFrom('event_webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', input.projectId).executeTakeFirstOrThrow();
    if (Number(n) >= max) return 'full';
    return tx
      .insertInto('event_webhooks')
      .values({ project_id: input.projectId, name: input.name, host: input.host, types: JSON.stringify(input.types), secrets_sealed: seal(key, JSON.stringify({ url: input.url, secret: input.secret })), created_at: nowIso() })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
  });
}

export async function deleteEventWebhook(db: Db, projectId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('event_webhooks').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export const webhookSecrets = (key: Buffer, w: Pick<EventWebhookRecord, 'secrets_sealed'>): { url: string; secret: string } => JSON.parse(unseal(key, w.secrets_sealed));

// Deliveries

/** A webhook's deliveries, newest first, with their event. */
export const listDeliveries = (db: Db, webhookId: number, limit: number) =>
  db
    .selectFrom('event_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.event_id', 'd.state', 'd.attempts', 'd.next_at', 'd.last_status', 'd.last_error', 'd.last_at', 'd.created_at', 'e.type'])
    .where('d.webhook_id', '=', webhookId)
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();

export type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];

export interface DueDelivery {
  id: number;
  attempts: number;
  webhook: EventWebhookRecord;
  event: EventRecord;
  project: string;
}

/** The first `perProject` due deliveries of each project, in each project's order (`turn` 1, 2, …):
 *  what a batch is chosen from, so that no project's backlog stands in front of another's. */
export async function dueTurns(db: Db, now: string, perProject: number): Promise<{ id: number; projectId: number; nextAt: string; turn: number }[]> {
  const ranked = db
    .selectFrom('event_deliveries as d')
    .innerJoin('event_webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.next_at', 'w.project_id', sql<number>`row_number() over (partition by w.project_id order by d.next_at, d.id)`.as('turn')])
    .where('d.state', '=', 'pending')
    .where('d.next_at', '<=', now);
  const rows = await db.selectFrom(ranked.as('r')).selectAll().where('r.turn', '<=', perProject).execute();
  return rows.map((r) => ({ id: r.id, projectId: r.project_id, nextAt: r.next_at!, turn: r.turn }));
}

/** Deliveries by id, in the order given, each with its webhook, event and project (one query). */
export async function deliveriesToSend(db: Db, ids: number[]): Promise<DueDelivery[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('event_deliveries as d')
    .innerJoin('event_webhooks as w', 'w.id', 'd.webhook_id')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .select(['d.id', 'd.attempts', 'w.id as w_id', 'w.project_id as w_project_id', 'w.name as w_name', 'w.host as w_host', 'w.types as w_types', 'w.secrets_sealed as w_secrets_sealed', 'w.created_at as w_created_at'])
    .select(['e.id as e_id', 'e.project_id as e_project_id', 'e.type as e_type', 'e.data as e_data', 'e.created_at as e_created_at', 'p.name as project'])
    .where('d.id', 'in', ids)
    .where('d.state', '=', 'pending')
    .execute();
  const order = new Map(ids.map((id, i) => [id, i]));
  rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return rows.map((r) => ({
    id: r.id,
    attempts: r.attempts,
    webhook: { id: r.w_id, project_id: r.w_project_id, name: r.w_name, host: r.w_host, types: r.w_types, secrets_sealed: r.w_secrets_sealed, created_at: r.w_created_at },
    event: { id: r.e_id, project_id: r.e_project_id, type: r.e_type, data: r.e_data, created_at: r.e_created_at },
    project: r.project,
  }));
}

/** One attempt's outcome: delivered, to be tried again at `retryAt`, or given up (retryAt null). */
export async function recordAttempt(db: Db, id: number, outcome: { delivered: boolean; status: number | null; error: string | null; retryAt: string | null }): Promise<void> {
  const state = outcome.delivered ? 'delivered' : outcome.retryAt ? 'pending' : 'failed';
  await db
    .updateTable('event_deliveries')
    .set((eb) => ({ state, attempts: eb('attempts', '+', 1), next_at: outcome.delivered ? null : outcome.retryAt, last_status: outcome.status, last_error: outcome.error, last_at: nowIso() }))
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/** Sends a delivery's event again, now, as a new delivery (the old one stays in the log);
 *  'pending' while a delivery of that event to this webhook is still to be sent. */
export async function redeliver(db: Db, webhookId: number, deliveryId: number): Promise<EventDeliveryRecord | 'pending' | undefined> {
  return db.transaction().execute(async (tx) => {
    const old = await tx.selectFrom('event_deliveries').select('event_id').where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
    if (!old) return undefined;
    const waiting = await tx.selectFrom('event_deliveries').select('id').where('event_id', '=', old.event_id).where('webhook_id', '=', webhookId).where('state', '=', 'pending').executeTakeFirst();
    if (waiting) return 'pending';
    const now = nowIso();
    return tx.insertInto('event_deliveries').values({ event_id: old.event_id, webhook_id: webhookId, state: 'pending', next_at: now, last_status: null, last_error: null, last_at: null, created_at: now }).returningAll().executeTakeFirstOrThrow();
  });
}

/** Forgets events (and their deliveries) older than EVENTS_KEPT_DAYS. */
export async function pruneEvents(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - EVENTS_KEPT_DAYS * 86_400_000).toISOString();
  return db.transaction().execute(async (tx) => {
    const old = tx.selectFrom('events').select('id').where('created_at', '<', cutoff);
    await tx.deleteFrom('event_deliveries').where('event_id', 'in', old).execute();
    const r = await tx.deleteFrom('events').where('created_at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}
