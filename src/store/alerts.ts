// Alerts (migration 042): the open ones the engine steps each minute, their history, the
// notifications sent for them, the threshold rules and the built-in rules turned off.
import type { Selectable } from 'kysely';
import type { Db } from '../db/open.js';
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

/** Applies a minute's changes in one transaction; the ids of the opened ones, by key. */
export async function applyAlertChanges(db: Db, changes: readonly AlertChange[]): Promise<Map<string, number>> {
  const opened = new Map<string, number>();
  await db.transaction().execute(async (tx) => {
    for (const c of changes) {
      if ('open' in c) {
        const row = await tx.insertInto('alerts').values({ ...c.open, resolved_at: null }).returning('id').executeTakeFirstOrThrow();
        opened.set(c.open.key, row.id);
      } else if ('drop' in c) await tx.deleteFrom('alerts').where('id', '=', c.drop).execute();
      else await tx.updateTable('alerts').set(c.set).where('id', '=', c.id).execute();
    }
  });
  return opened;
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

export async function createAlertRule(db: Db, rule: Omit<AlertRuleRecord, 'id' | 'created_at'>): Promise<AlertRuleRecord | undefined> {
  return db.insertInto('alert_rules').values({ ...rule, created_at: new Date().toISOString() }).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
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
