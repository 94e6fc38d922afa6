// Alerts as people see and shape them: the open ones and the history (a project's members see their
// project's; an owner the installation's too), the built-in rules (on unless turned off: for a
// project by its admins, everywhere by an owner) and the threshold rules owners and admins add.
import type { Deps } from '../deps.js';
import { BUILT_IN_RULES, builtInRule } from '../alerts/rules/index.js';
import { METRICS, type Target } from '../alerts/rules/threshold.js';
import { Conflict, InvalidFields, InvalidInput, NotFound } from '../errors.js';
import { type AlertRecord, type AlertRuleRecord, createAlertRule, deleteAlertRule, firedAlerts, listAlertRules, notificationsOf, openAlerts, rulesOff, setRuleOff } from '../store/alerts.js';
import * as validate from '../validate.js';
import { type Actor, openProject } from './access.js';
import { scopeFor } from './alert-channels.js';
import { linkTo } from './notify.js';
import { audit } from './record.js';

const HISTORY_SHOWN = 200;
/** Threshold rules of a project, or of the installation. */
export const RULES_MAX = 50;
const TARGETS: readonly Target[] = ['services', 'databases', 'servers'];

export interface AlertView {
  id: number;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  title: string;
  text: string;
  link: string | null;
  /** ISO times: first seen, fired, resolved. */
  since: string;
  firedAt: string | null;
  resolvedAt: string | null;
  notifications: { channel: string; state: string; at: string; error: string | null }[];
}

const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());

/** `installation`: an owner's view, with the installation's channels and what their servers said;
 *  a project's members see their project's channels only. */
async function toViews(deps: Deps, rows: AlertRecord[], installation: boolean): Promise<AlertView[]> {
  const showErrors = installation;
  const sent = await notificationsOf(deps.db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule,
    state: r.resolved_at !== null ? 'resolved' : r.firing ? 'firing' : 'pending',
    title: r.title,
    text: r.text,
    link: linkTo(deps, r.link) ?? null,
    since: iso(r.since)!,
    firedAt: iso(r.fired_at),
    resolvedAt: iso(r.resolved_at),
    notifications: sent.filter((n) => n.alert_id === r.id && (showErrors || n.installation === 0)).map((n) => ({ channel: n.channel, state: n.state, at: iso(n.at)!, error: n.error === null ? null : showErrors ? n.error : 'not delivered' })),
  }));
}

/** A project's alerts (any member), or with no project the installation's and every project's (owners). */
export async function alertsOf(deps: Deps, user: Actor, project?: string): Promise<{ open: AlertView[]; history: AlertView[] }> {
  let scope: { projectIds: number[]; installation: boolean };
  if (project === undefined) {
    await scopeFor(deps, user, undefined);
    scope = { projectIds: (await deps.db.selectFrom('projects').select('id').execute()).map((p) => p.id), installation: true };
  } else {
    const { project: p } = await openProject(deps.db, user, project, 'project.read');
    scope = { projectIds: [p.id], installation: false };
  }
  const inScope = (r: AlertRecord) => (r.project_id === null ? scope.installation : scope.projectIds.includes(r.project_id));
  const open = (await openAlerts(deps.db)).filter(inScope).sort((a, b) => b.since - a.since);
  const history = (await firedAlerts(deps.db, scope, HISTORY_SHOWN)).filter((r) => r.resolved_at !== null);
  return { open: await toViews(deps, open, scope.installation), history: await toViews(deps, history, scope.installation) };
}

export interface AlertRulesView {
  builtIn: { rule: string; label: string; on: boolean; offEverywhere: boolean }[];
  rules: { id: number; name: string; target: Target; subject: string | null; metric: string; op: string; value: number; forS: number }[];
  metrics: { metric: string; label: string; unit: string; targets: readonly Target[] }[];
}

const ruleView = (r: AlertRuleRecord) => ({ id: r.id, name: r.name, target: r.target, subject: r.subject, metric: r.metric, op: r.op, value: r.value, forS: r.for_s });

export async function alertRules(deps: Deps, user: Actor, project?: string): Promise<AlertRulesView> {
  const scope = await scopeFor(deps, user, project);
  const off = await rulesOff(deps.db);
  return {
    builtIn: BUILT_IN_RULES.map((k) => {
      const offEverywhere = off.some((o) => o.rule === k.rule && o.projectId === null);
      return { rule: k.rule, label: k.label, on: !offEverywhere && !off.some((o) => o.rule === k.rule && o.projectId === scope.projectId), offEverywhere };
    }),
    rules: (await listAlertRules(deps.db, scope.projectId)).map(ruleView),
    metrics: Object.entries(METRICS).map(([metric, m]) => ({ metric, label: m.label, unit: m.unit, targets: m.targets })),
  };
}

/** Turns a built-in rule on or off, for the project or (owners) everywhere. */
export async function switchBuiltInRule(deps: Deps, user: Actor, rule: string, body: Record<string, unknown>, project?: string): Promise<void> {
  const scope = await scopeFor(deps, user, project);
  const kind = builtInRule(rule);
  if (!kind) throw new NotFound(`no built-in rule ${String(rule).slice(0, 60)}`);
  if (typeof body.on !== 'boolean') throw new InvalidInput('on', 'must be true or false');
  await setRuleOff(deps.db, scope.projectId, kind.rule, !body.on);
  await audit(deps, user, body.on ? 'alerts.rule-on' : 'alerts.rule-off', { kind: 'alert-rule', name: kind.rule, projectId: scope.projectId }, { after: { rule: kind.rule, on: body.on } });
}

/** `{ name, target, subject?, metric, op, value, for? }`: `for` in seconds (0 to a day). */
export async function addAlertRule(deps: Deps, user: Actor, body: Record<string, unknown>, project?: string) {
  const scope = await scopeFor(deps, user, project);
  const v = validate.fields({
    name: () => validate.resourceName('rule', body.name),
    target: () => {
      if (!TARGETS.includes(body.target as Target)) throw new InvalidInput('target', `must be one of ${TARGETS.join(', ')}`);
      if (body.target === 'servers' && scope.projectId !== null) throw new InvalidInput('target', "servers are the installation's: an owner adds their rules in Settings");
      return body.target as Target;
    },
    // A service's or database's name; a server's as the Servers page shows it (a host name).
    subject: () => (body.subject === undefined || body.subject === null || body.subject === '' ? null : body.target === 'servers' ? validate.serverName('subject', body.subject) : validate.resourceName('subject', body.subject)),
    metric: () => {
      if (typeof body.metric !== 'string' || !Object.hasOwn(METRICS, body.metric)) throw new InvalidInput('metric', `must be one of ${Object.keys(METRICS).join(', ')}`);
      return body.metric;
    },
    op: () => {
      if (body.op !== '>' && body.op !== '<') throw new InvalidInput('op', 'must be > or <');
      return body.op;
    },
    value: () => {
      const n = typeof body.value === 'string' && body.value.trim() !== '' ? Number(body.value) : body.value;
      if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > 1e12) throw new InvalidInput('value', 'must be a number');
      return n;
    },
    forS: () => validate.integer('for', body.for ?? 0, 0, 86_400),
  });
  if (!METRICS[v.metric]!.targets.includes(v.target)) throw new InvalidFields({ metric: `metric: ${v.metric} is not measured for ${v.target}` });
  const made = await createAlertRule(deps.db, { project_id: scope.projectId, name: v.name, target: v.target, subject: v.subject, metric: v.metric, op: v.op, value: v.value, for_s: v.forS }, RULES_MAX);
  if (made === 'full') throw new Conflict(`${scope.projectId === null ? 'the installation' : 'a project'} may have ${RULES_MAX} rules of its own; remove one first`);
  if (!made) throw new Conflict(`a rule named ${v.name} exists already`);
  await audit(deps, user, 'alerts.rule-add', { kind: 'alert-rule', id: made.id, name: made.name, projectId: scope.projectId }, { after: ruleView(made) });
  return ruleView(made);
}

export async function removeAlertRule(deps: Deps, user: Actor, id: unknown, project?: string): Promise<void> {
  const scope = await scopeFor(deps, user, project);
  const gone = await deleteAlertRule(deps.db, scope.projectId, validate.integer('rule', id, 1, Number.MAX_SAFE_INTEGER));
  if (!gone) throw new NotFound('no such rule');
  await audit(deps, user, 'alerts.rule-remove', { kind: 'alert-rule', id: gone.id, name: gone.name, projectId: scope.projectId }, { before: ruleView(gone) });
}
