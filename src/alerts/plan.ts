// One minute of alerts, pure: from the open alerts and the conditions that hold now, what to store
// and what to send. An open alert whose rule could not be read this minute (Docker away) is left
// as it is; one whose condition is gone moves toward resolved.
import type { Selectable } from 'kysely';
import type { AlertTable } from '../db/schema.js';
import { type AlertPolicy, type AlertState, step } from './lifecycle.js';
import type { Condition } from './rules/kind.js';

/** An alert not resolved, as stored (migration 042). */
export type OpenAlert = Omit<Selectable<AlertTable>, 'resolved_at'>;

export interface Holding {
  rule: string;
  condition: Condition;
}

export type PlannedChange =
  | { open: Omit<OpenAlert, 'id'> }
  | { id: number; set: Partial<Omit<OpenAlert, 'id' | 'key'>> & { resolved_at?: number } }
  | { drop: number };

export interface PlannedSend {
  key: string;
  state: 'firing' | 'repeat' | 'resolved';
  rule: string;
  projectId: number | null;
  title: string;
  text: string;
  path: string | null;
  /** The alert's id once stored (the changes' opened ids for a new one). */
  id?: number;
}

export interface Plan {
  changes: PlannedChange[];
  sends: PlannedSend[];
}

const stateOf = (a: OpenAlert): AlertState => ({ since: a.since, firing: a.firing === 1, sentAt: a.sent_at ?? undefined, clearSince: a.clear_since ?? undefined });

export function planAlerts(open: readonly OpenAlert[], holding: readonly Holding[], opts: { nowS: number; policyOf: (rule: string) => AlertPolicy; unread: (rule: string) => boolean }): Plan {
  const changes: PlannedChange[] = [];
  const sends: PlannedSend[] = [];
  const now = new Map(holding.map((h) => [h.condition.key, h]));
  for (const alert of open) {
    const held = now.get(alert.key);
    now.delete(alert.key);
    if (!held && opts.unread(alert.rule)) continue;
    let next = step(stateOf(alert), !!held, opts.nowS, opts.policyOf(alert.rule));
    if (held?.condition.sayChanges && next.state?.firing && alert.firing && !next.send && held.condition.title !== alert.title) next = { state: { ...next.state, sentAt: opts.nowS }, send: 'repeat' };
    const words = held ? { title: held.condition.title, text: held.condition.text, link: held.condition.path ?? null } : {};
    if (next.send) sends.push({ key: alert.key, state: next.send, rule: alert.rule, projectId: alert.project_id, title: words.title ?? alert.title, text: words.text ?? alert.text, path: words.link ?? alert.link, id: alert.id });
    if (!next.state) {
      changes.push(next.send === 'resolved' ? { id: alert.id, set: { resolved_at: opts.nowS } } : { drop: alert.id });
      continue;
    }
    changes.push({ id: alert.id, set: { ...words, since: next.state.since, firing: next.state.firing ? 1 : 0, sent_at: next.state.sentAt ?? null, clear_since: next.state.clearSince ?? null, fired_at: alert.fired_at ?? (next.send === 'firing' ? opts.nowS : null) } });
  }
  for (const { rule, condition: c } of now.values()) {
    const next = step(null, true, opts.nowS, opts.policyOf(rule));
    if (!next.state) continue;
    changes.push({ open: { key: c.key, rule, project_id: c.projectId, title: c.title, text: c.text, link: c.path ?? null, since: next.state.since, firing: next.state.firing ? 1 : 0, sent_at: next.state.sentAt ?? null, clear_since: null, fired_at: next.send === 'firing' ? opts.nowS : null } });
    if (next.send) sends.push({ key: c.key, state: next.send, rule, projectId: c.projectId, title: c.title, text: c.text, path: c.path ?? null });
  }
  return { changes, sends };
}
