// The audit log (see actions/audit.ts): the installation's and its chain check (an owner's), a project's.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as audit from '../../actions/audit.js';
import { answerFormat, jsonLinesResponse } from '../json-lines.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const Filters = z.object({
  actor: z.string().optional().describe('Only entries of this user (an email)'),
  action: z.string().optional().describe('Only this action, such as variables.change, or a family, such as variables'),
  outcome: z.string().optional().describe('allowed or refused'),
  since: z.string().optional().describe('From this date (2026-12-05) or ISO time'),
  until: z.string().optional().describe('Up to this date or ISO time'),
  before: z.string().optional().describe('Entries older than this entry id: the next page'),
  limit: z.string().optional().describe('At most this many entries, 1 to 1000 (100 when left out; with format=jsonl, every entry when left out)'),
  format: z.string().optional().describe('json (the default), or jsonl: every entry the filters match, one JSON line each, as `spur audit --all --json` prints them'),
});
const InstallationFilters = Filters.extend({ project: z.string().optional().describe("Only this project's entries") });

const Entry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.number().int().nullable(), email: z.string().nullable() }),
  role: z.string().nullable(),
  action: z.string(),
  object: z.object({ kind: z.string(), id: z.number().int().nullable(), name: z.string().nullable() }).nullable(),
  projectId: z.number().int().nullable(),
  before: z.unknown().describe('What was, as recorded (secrets only as "(set)")'),
  after: z.unknown().describe('What is, as recorded'),
  via: z.string(),
  address: z.string().nullable(),
  outcome: z.string().describe('allowed or refused'),
  prevHash: z.string(),
  hash: z.string(),
});
const Entries = z.object({ entries: z.array(Entry).describe('Newest first') });
const JsonLines = { status: 200, description: 'With format=jsonl: every entry the filters match, newest first, one JSON line each (a download)', type: 'jsonl' as const };

/** The filters the actions read, from the query the door checked. */
const filtersOf = (q: z.output<typeof InstallationFilters>): audit.AuditQuery => ({ actor: q.actor, action: q.action, outcome: q.outcome, since: q.since, until: q.until, before: q.before, limit: q.limit, project: q.project });

export function auditRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Audit');
  // ?format=jsonl: every entry the filters match, one JSON line each, as `spur audit --all --json` prints them.
  r.get(
    '/audit',
    { summary: "The installation's audit log (owners)", query: InstallationFilters, answers: [json(200, 'The entries (at most `limit`)', Entries), JsonLines] },
    async (c, { query }) => {
      if (answerFormat(query.format) === 'jsonl') return jsonLinesResponse(await audit.auditExport(deps, c.get('user'), filtersOf(query)), 'spur-audit.jsonl');
      return c.json({ entries: await audit.installationAudit(deps, c.get('user'), filtersOf(query)) });
    },
  );
  r.get(
    '/audit/verify',
    {
      summary: "Check the audit log's hash chain (owners)",
      answers: [json(200, 'Intact with how many entries, or the first entry that breaks it', z.object({ intact: z.boolean(), entries: z.number().int(), brokenAt: z.number().int().optional() }))],
    },
    async (c) => c.json(await audit.verifyAudit(deps, c.get('user'))),
  );
  r.get(
    '/projects/:project/audit',
    { summary: "A project's audit log (those of the project who may read it)", query: Filters, answers: [json(200, 'The entries (at most `limit`)', Entries), JsonLines] },
    async (c, { params, query }) => {
      if (answerFormat(query.format) === 'jsonl') return jsonLinesResponse(await audit.auditExport(deps, c.get('user'), filtersOf(query), params.project), `spur-audit-${params.project}.jsonl`);
      return c.json({ entries: await audit.projectAudit(deps, c.get('user'), params.project, filtersOf(query)) });
    },
  );
}
