// Once a minute: the rules read a snapshot of the installation (alert-snapshot.ts), each alert
// takes its step (src/alerts/plan.ts), the steps are stored in one transaction, and what fires,
// repeats or resolves is sent to its channels (notify.ts), each delivery recorded.
import type { Deps } from '../deps.js';
import { type Holding, planAlerts } from '../alerts/plan.js';
import { BUILT_IN_RULES, builtInRule } from '../alerts/rules/index.js';
import { type ThresholdRule, thresholdConditions, thresholdKey, thresholdPolicy } from '../alerts/rules/threshold.js';
import { type AlertRuleRecord, type PendingSend, applyAlertChanges, forgetOldAlerts, listAlertRules, openAlerts, pendingSends, recordSend, rulesOff } from '../store/alerts.js';
import { alertSnapshot } from './alert-snapshot.js';
import { linkTo, notify } from './notify.js';

export const toThresholdRule = (r: AlertRuleRecord): ThresholdRule => ({ id: r.id, projectId: r.project_id, name: r.name, target: r.target, subject: r.subject, metric: r.metric, op: r.op, value: r.value, forS: r.for_s });

/** Policy of a rule whose threshold rule was removed: its open alerts resolve a minute later. */
const GONE_POLICY = { forS: 0, clearS: 60, repeatS: null };

export interface AlertRun {
  /** Keys of the alerts sent, with what was sent. */
  sent: { key: string; state: string }[];
}

export async function runAlerts(deps: Deps, nowMs = Date.now()): Promise<AlertRun> {
  const nowS = Math.floor(nowMs / 1000);
  const snapshot = await alertSnapshot(deps, nowS);
  const off = await rulesOff(deps.db);
  const isOff = (rule: string, projectId: number | null) => off.some((o) => o.rule === rule && (o.projectId === null || o.projectId === projectId));
  const thresholds = (await listAlertRules(deps.db)).map(toThresholdRule);
  const holding: Holding[] = [];
  for (const kind of BUILT_IN_RULES) {
    if (kind.needsDocker && !snapshot.docker) continue;
    for (const condition of kind.conditions(snapshot)) if (!isOff(kind.rule, condition.projectId)) holding.push({ rule: kind.rule, condition });
  }
  // Every threshold rule reads the sampler's minutes, which Docker away leaves without.
  for (const rule of thresholds) {
    if (!snapshot.docker) continue;
    for (const condition of thresholdConditions(rule, snapshot)) holding.push({ rule: thresholdKey(rule), condition });
  }
  const byKey = new Map(thresholds.map((r) => [thresholdKey(r), r]));
  const plan = planAlerts(await openAlerts(deps.db), holding, {
    nowS,
    policyOf: (rule) => {
      const threshold = byKey.get(rule);
      return builtInRule(rule)?.policy ?? (threshold ? thresholdPolicy(threshold) : GONE_POLICY);
    },
    unread: (rule) => !snapshot.docker && (builtInRule(rule)?.needsDocker ?? true),
  });
  await applyAlertChanges(deps.db, plan.changes, plan.sends, nowS);
  await forgetOldAlerts(deps.db, nowS);
  await deliverPending(deps, nowMs);
  return { sent: plan.sends.map((s) => ({ key: s.key, state: s.state })) };
}

/** Messages a project may be sent in one look; the rest wait for the next (a flood is slowed, not lost). */
export const SENDS_PER_PROJECT = 10;
/** Messages sent at once (each to all its channels at once). */
const SENDING_AT_ONCE = 4;
/** A message not sent for this long (Spur away) is given up on: the page still shows the alert. */
const STALE_S = 86_400;

/** Sends what is waiting, oldest first, as the alert says it now: each message to its channels,
 *  its deliveries recorded with it marked sent. One that throws is tried again at the next look. */
export async function deliverPending(deps: Deps, nowMs = Date.now()): Promise<void> {
  const nowS = Math.floor(nowMs / 1000);
  const budget = new Map<number | null, number>();
  const due = (await pendingSends(deps.db)).filter((s) => {
    const used = budget.get(s.project_id) ?? 0;
    budget.set(s.project_id, used + 1);
    return used < SENDS_PER_PROJECT || nowS - s.createdAt > STALE_S;
  });
  const at = new Date(nowMs).toISOString();
  const one = async (s: PendingSend) => {
    if (nowS - s.createdAt > STALE_S) return recordSend(deps.db, s, nowS, []);
    const text = s.state === 'repeat' ? `${s.text}\nStill so; Spur reminds you until it is resolved.` : s.text;
    const delivered = await notify(deps, s.project_id, { state: s.state === 'repeat' ? 'firing' : s.state, title: s.title, text, link: linkTo(deps, s.link), at, key: s.key });
    await recordSend(deps.db, s, nowS, delivered);
  };
  for (let i = 0; i < due.length; i += SENDING_AT_ONCE) {
    const results = await Promise.allSettled(due.slice(i, i + SENDING_AT_ONCE).map(one));
    for (const r of results) if (r.status === 'rejected') deps.log.warn('an alert could not be sent; it is tried again in a minute', { error: String(r.reason) });
  }
}
