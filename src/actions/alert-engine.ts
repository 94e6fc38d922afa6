// Once a minute: the rules read a snapshot of the installation (alert-snapshot.ts), each alert
// takes its step (src/alerts/plan.ts), the steps are stored in one transaction, and what fires,
// repeats or resolves is sent to its channels (notify.ts), each delivery recorded.
import type { Deps } from '../deps.js';
import { type Holding, type OpenAlert, planAlerts } from '../alerts/plan.js';
import { BUILT_IN_RULES, builtInRule } from '../alerts/rules/index.js';
import { type ThresholdRule, thresholdConditions, thresholdKey, thresholdPolicy } from '../alerts/rules/threshold.js';
import { type AlertRuleRecord, applyAlertChanges, forgetOldAlerts, listAlertRules, openAlerts, recordNotifications, rulesOff } from '../store/alerts.js';
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
  for (const rule of thresholds) {
    if (rule.target === 'servers' && !snapshot.docker) continue;
    for (const condition of thresholdConditions(rule, snapshot)) holding.push({ rule: thresholdKey(rule), condition });
  }
  const byKey = new Map(thresholds.map((r) => [thresholdKey(r), r]));
  const plan = planAlerts((await openAlerts(deps.db)) as OpenAlert[], holding, {
    nowS,
    policyOf: (rule) => {
      const threshold = byKey.get(rule);
      return builtInRule(rule)?.policy ?? (threshold ? thresholdPolicy(threshold) : GONE_POLICY);
    },
    unread: (rule) => !snapshot.docker && (builtInRule(rule)?.needsDocker ?? byKey.get(rule)?.target === 'servers'),
  });
  const opened = await applyAlertChanges(deps.db, plan.changes);
  await forgetOldAlerts(deps.db, nowS);
  const at = new Date(nowMs).toISOString();
  for (const s of plan.sends) {
    const id = s.id ?? opened.get(s.key);
    const text = s.state === 'repeat' ? `${s.text}\nStill so; Spur reminds you until it is resolved.` : s.text;
    const delivered = await notify(deps, s.projectId, { state: s.state === 'repeat' ? 'firing' : s.state, title: s.title, text, link: linkTo(deps, s.path), at, key: s.key });
    if (id !== undefined) await recordNotifications(deps.db, delivered.map((d) => ({ alert_id: id, channel: d.channel, state: s.state, at: nowS, error: d.error })));
  }
  return { sent: plan.sends.map((s) => ({ key: s.key, state: s.state })) };
}
