// Alerts (migration 042): the open ones the engine steps each minute, their history, the
// notifications sent for them, the threshold rules and the built-in rules turned off.
import type { Selectable } from 'kysely';
import type { Db } from '../db/open.js';
import { recordEvent } from './events.js';
import type { AlertNotificationTable, AlertRuleTable, AlertTable } from '../db/schema.js';

export type AlertRecord = Selectable<AlertTable>;
export type AlertRuleRecord = Selectable<AlertRuleTable>;
export type AlertNotificationRecord = Selectable<AlertNotificationTable>;

/** How long an alert that fired is kept after it resolved. */
export const HISTORY_KEPT_S = 90 * 86_400;

export function openAlerts(db: Db): Promise<AlertRecord[]> {
  return db.selectFrom('alerts').selectAll().where('resolved_at', 'is', null).execute();
}

/** What one minute's step does to an alert (src/alerts/lifecycle.ts). */
export type AlertChange =
  | { open: Omit<AlertRecord, 'id' | 'resolved_at'> }
  | { id: number; set: Partial<Omit<AlertRecord, 'id' | 'key'>> }
  | { drop: number };

/** A message to send for an alert, by its key (a new alert has no id before it is stored). */
export interface AlertSendOrder {
  key: string;
  state: 'firing' | 'repeat' | 'resolved';
}

/** Applies a minute's changes and writes the messages they say to send, in one transaction: a
 *  crash after it loses no message (pendingSends finds them). The ids of the opened alerts, by key. */
export async function applyAlertChanges(db: Db, changes: readonly AlertChange[], sends: readonly AlertSendOrder[] = [], nowS = Math.floor(Date.now() / 1000)): Promise<Map<string, number>> {
  const opened = new Map<string, number>();
  await db.transaction().execute(async (tx) => {
    const ids = new Map<string, number>();
    for (const c of changes) {
      if ('open' in c) {
        const row = await tx.insertInto('alerts').values({ ...c.open, resolved_at: null }).returning('id').executeTakeFirstOrThrow();
        opened.set(c.open.key, row.id);
        ids.set(c.open.key, row.id);
      } else if ('drop' in c) await tx.deleteFrom('alerts').where('id', '=', c.drop).execute();
      else {
        const row = await tx.updateTable('alerts').set(c.set).where('id', '=', c.id).returning('key').executeTakeFirst();
        if (row) ids.set(row.key, c.id);
      }
    }
    const rows = sends.flatMap((s) => (ids.has(s.key) ? [{ alert_id: ids.get(s.key)!, state: s.state, created_at: nowS, sent_at: null }] : []));
    if (rows.length) await tx.insertInto('alert_sends').values(rows).execute();
    for (const s of sends) {
      if (s.state === 'repeat' || !ids.has(s.key)) continue;
      const a = await tx.selectFrom('alerts').select(['id', 'project_id', 'rule', 'title', 'text', 'link']).where('id', '=', ids.get(s.key)!).executeTakeFirst();
      if (a?.project_id) await recordEvent(tx, a.project_id, s.state === 'firing' ? 'alert.fired' : 'alert.resolved', { alert: a.id, rule: a.rule, title: a.title, text: a.text, link: a.link });
    }
  });
  return opened;
}

export type PendingSend = Pick<AlertRecord, 'key' | 'project_id' | 'title' | 'text' | 'link'> & { id: number; alertId: number; state: 'firing' | 'repeat' | 'resolved'; createdAt: number };

/** Messages not sent yet, oldest first, with what their alert says now. */
export async function pendingSends(db: Db): Promise<PendingSend[]> {
  const rows = await db
    .selectFrom('alert_sends as s')
    .innerJoin('alerts as a', 'a.id', 's.alert_id')
    .select(['s.id', 's.alert_id', 's.state', 's.created_at', 'a.key', 'a.project_id', 'a.title', 'a.text', 'a.link'])
    .where('s.sent_at', 'is', null)
    .orderBy('s.id')
    .execute();
  return rows.map(({ alert_id, created_at, ...r }) => ({ ...r, alertId: alert_id, createdAt: created_at }));
}

/** A message sent (or given up on): what each channel made of it, with it marked sent, together. */
export async function recordSend(db: Db, send: { id: number; alertId: number; state: PendingSend['state'] }, nowS: number, deliveries: { channel: string; installation: boolean; error: string | null }[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('alert_sends').set({ sent_at: nowS }).where('id', '=', send.id).execute();
    if (deliveries.length) await tx.insertInto('alert_notifications').values(deliveries.map((d) => ({ alert_id: send.alertId, channel: d.channel, installation: d.installation ? 1 : 0, state: send.state, at: nowS, error: d.error }))).execute();
  });
}

export async function recordNotifications(db: Db, rows: Omit<AlertNotificationRecord, 'id'>[]): Promise<void> {
  if (rows.length) await db.insertInto('alert_notifications').values(rows).execute();
}

/** Alerts that fired, newest first: of these projects (and, with `installation`, the installation's). */
export function firedAlerts(db: Db, scope: { projectIds: number[]; installation: boolean }, limit: number): Promise<AlertRecord[]> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('fired_at', 'is not', null)
    .where((eb) => eb.or([...(scope.projectIds.length ? [eb('project_id', 'in', scope.projectIds)] : []), ...(scope.installation ? [eb('project_id', 'is', null)] : []), eb.lit(false)]))
    .orderBy('fired_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function notificationsOf(db: Db, alertIds: number[]): Promise<AlertNotificationRecord[]> {
  if (!alertIds.length) return Promise.resolve([]);
  return db.selectFrom('alert_notifications').selectAll().where('alert_id', 'in', alertIds).orderBy('id').execute();
}

export async function forgetOldAlerts(db: Db, nowS: number): Promise<void> {
  await db.deleteFrom('alerts').where('resolved_at', '<', nowS - HISTORY_KEPT_S).execute();
}

const scoped = (projectId: number | null) => (projectId === null ? ('is' as const) : ('=' as const));

export function listAlertRules(db: Db, projectId?: number | null): Promise<AlertRuleRecord[]> {
  let q = db.selectFrom('alert_rules').selectAll();
  if (projectId !== undefined) q = q.where('project_id', scoped(projectId), projectId);
  return q.orderBy('name').execute();
}

/** Adds a rule; undefined when the name is taken there, 'full' when the scope has `max` already
 *  (counted and added in one transaction: requests at once cannot pass it together). */
export async function createAlertRule(db: Db, rule: Omit<AlertRuleRecord, 'id' | 'created_at'>, max = Number.MAX_SAFE_INTEGER): Promise<AlertRuleRecord | 'full' | undefined> {
  return db.transaction().execute(async (tx) => {
    const { n } = await tx.selectFrom('alert_rules').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', scoped(rule.project_id), rule.project_id).executeTakeFirstOrThrow();
    if (Number(n) >= max) return 'full';
    return tx.insertInto('alert_rules').values({ ...rule, created_at: new Date().toISOString() }).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  });
}

export async function deleteAlertRule(db: Db, projectId: number | null, id: number): Promise<AlertRuleRecord | undefined> {
  return db.deleteFrom('alert_rules').where('project_id', scoped(projectId), projectId).where('id', '=', id).returningAll().executeTakeFirst();
}

/** The built-in rules turned off: by project id, and (key null) everywhere. */
export async function rulesOff(db: Db): Promise<{ projectId: number | null; rule: string }[]> {
  return (await db.selectFrom('alert_rules_off').selectAll().execute()).map((r) => ({ projectId: r.project_id, rule: r.rule }));
}

export async function setRuleOff(db: Db, projectId: number | null, rule: string, off: boolean): Promise<void> {
  if (off) await db.insertInto('alert_rules_off').values({ project_id: projectId, rule }).onConflict((oc) => oc.doNothing()).execute();
  else await db.deleteFrom('alert_rules_off').where('project_id', scoped(projectId), projectId).where('rule', '=', rule).execute();
}
