// Reading the audit log: the installation's (an owner's), a project's (who may read it, once
// the project is one they may see: anyone else is told it is not found), and checking its chain.
// Writing to it is record.ts's.
import type { AuditEntry } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { InvalidInput } from '../errors.js';
import { type AuditFilter, type ChainCheck, listAuditEntries, pruneAuditEntries, verifyAuditChain } from '../store/audit.js';
import { auditRetentionDays } from '../store/settings.js';
import { audit } from './record.js';
import { findProject } from '../store/projects.js';
import * as validate from '../validate.js';
import { type Actor, getProjectFor, requireTo } from './access.js';

/** The filters a query string gives: actor (email), action ('variables' or 'variables.change'),
 *  outcome, since/until (dates or ISO times), before (an entry id: the next page), limit (≤ 1000). */
export type AuditQuery = Partial<Record<'actor' | 'action' | 'outcome' | 'since' | 'until' | 'before' | 'limit' | 'project', string>>;

export function toAuditEntryView(e: AuditEntry) {
  return {
    id: e.id,
    at: e.at,
    actor: { kind: e.actor_kind, id: e.actor_id, email: e.actor_email },
    role: e.role,
    action: e.action,
    object: e.object_kind === null ? null : { kind: e.object_kind, id: e.object_id, name: e.object_name },
    projectId: e.project_id,
    before: e.before === null ? null : (JSON.parse(e.before) as unknown),
    after: e.after === null ? null : (JSON.parse(e.after) as unknown),
    via: e.via,
    address: e.address,
    outcome: e.outcome,
    prevHash: e.prev_hash,
    hash: e.hash,
  };
}

export type AuditEntryView = ReturnType<typeof toAuditEntryView>;

const time = (field: string, v: unknown) => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(v) || Number.isNaN(Date.parse(v))) throw new InvalidInput(field, 'give a date (2026-12-05) or an ISO time');
  return new Date(v).toISOString();
};

function auditFilter(q: AuditQuery): AuditFilter {
  return {
    actor: validate.optional(q.actor, (v) => validate.email(v, 'actor')),
    action: validate.optional(q.action, (v) => {
      if (typeof v !== 'string' || !/^[a-z][a-z-]*(\.[a-z-]+)*$/.test(v)) throw new InvalidInput('action', 'give an action such as variables.change, or a family such as variables');
      return v;
    }),
    outcome: validate.optional(q.outcome, (v) => {
      if (v !== 'allowed' && v !== 'refused') throw new InvalidInput('outcome', 'allowed or refused');
      return v;
    }),
    since: validate.optional(q.since, (v) => time('since', v)),
    until: validate.optional(q.until, (v) => time('until', v)),
    beforeId: validate.optional(q.before, (v) => validate.integer('before', v, 1, Number.MAX_SAFE_INTEGER)),
    limit: validate.optional(q.limit, (v) => validate.integer('limit', v, 1, 1000)) ?? 100,
  };
}

/** The whole installation's log, newest first (an owner's); `project` narrows it to one project. */
export async function installationAudit(deps: Deps, user: Actor, query: AuditQuery): Promise<AuditEntryView[]> {
  const filter = await installationFilter(deps, user, query);
  return filter ? (await listAuditEntries(deps.db, filter)).map(toAuditEntryView) : [];
}

/** One project's log, newest first: not found to anyone who may not see the project. */
export async function projectAudit(deps: Deps, user: Actor, projectName: string, query: AuditQuery): Promise<AuditEntryView[]> {
  return (await listAuditEntries(deps.db, await projectFilter(deps, user, projectName, query))).map(toAuditEntryView);
}

/** The installation's filter, once the door let the user in; undefined when `project` names none. */
async function installationFilter(deps: Deps, user: Actor, query: AuditQuery): Promise<AuditFilter | undefined> {
  await requireTo(deps, user, 'audit.read');
  const filter = auditFilter(query);
  if (query.project === undefined) return filter;
  const project = await findProject(deps.db, validate.resourceName('project', query.project));
  return project ? { ...filter, projectId: project.id } : undefined;
}

async function projectFilter(deps: Deps, user: Actor, projectName: string, query: AuditQuery): Promise<AuditFilter> {
  const project = await getProjectFor(deps.db, user, projectName, 'project-audit.read');
  return { ...auditFilter(query), projectId: project.id };
}

const EXPORT_PAGE = 1000;

/** Every entry the filters match (the installation's, or with `projectName` that project's),
 *  newest first, as `spur audit --all --json` prints them: for an export as JSON lines. The door is
 *  passed (and the filters checked) before the first entry; a `limit` caps how many, else all. */
export async function auditExport(deps: Deps, user: Actor, query: AuditQuery, projectName?: string): Promise<AsyncGenerator<AuditEntryView>> {
  const filter = projectName === undefined ? await installationFilter(deps, user, query) : await projectFilter(deps, user, projectName, query);
  const cap = query.limit === undefined ? Infinity : (filter?.limit ?? 0);
  return (async function* () {
    if (!filter) return;
    let [beforeId, given] = [filter.beforeId, 0];
    while (given < cap) {
      const rows = await listAuditEntries(deps.db, { ...filter, beforeId, limit: Math.min(EXPORT_PAGE, cap - given) });
      for (const row of rows) yield toAuditEntryView(row);
      given += rows.length;
      if (rows.length < EXPORT_PAGE) return;
      beforeId = rows[rows.length - 1].id;
    }
  })();
}

/** Walks the chain (an owner's): intact with how many entries, or the first entry that breaks it. */
export async function verifyAudit(deps: Deps, user: Actor): Promise<ChainCheck> {
  await requireTo(deps, user, 'audit.read');
  return verifyAuditChain(deps.db);
}

/** Removes the entries older than the retention the owner set (none when unset), from the oldest,
 *  keeping the last removed one's hash as the chain's new start; the pruning is itself recorded. */
export async function pruneAuditLog(deps: Pick<Deps, 'db'>, now = new Date()): Promise<number> {
  const days = await auditRetentionDays(deps.db);
  if (days === null) return 0;
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const removed = await pruneAuditEntries(deps.db, cutoff);
  if (removed > 0) await audit(deps, { kind: 'system', name: 'audit retention', via: 'job' }, 'audit.prune', null, { after: { removed, before: cutoff, retentionDays: days } });
  return removed;
}
