// The audit log's pages: the installation's (owners) and a project's (its admins), the chain
// check, and the download of what the filters match as JSON lines. Each calls the same action as
// /api/v1/audit (actions/audit.ts); a refused filter is shown on the page (400).
import type { Context, Hono } from 'hono';
import { AuditPage, type AuditFilters, AuditResults, type AuditResultsProps, ChainResult } from '../../views/pages/audit.js';
import type { LayoutProps } from '../../views/layout.js';
import { type AuditQuery, auditExport, installationAudit, projectAudit, verifyAudit } from '../actions/audit.js';
import { mayDo } from '../actions/access.js';
import type { Deps } from '../deps.js';
import { InvalidInput } from '../errors.js';
import type { AuthEnv } from './auth.js';
import { jsonLinesResponse } from './json-lines.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;
const PAGE = 50;
const FILTERS = ['actor', 'action', 'since', 'until', 'outcome'] as const;

/** The filters a form sent: empty fields are no filter. */
const filtersOf = (c: Context<AuthEnv>): AuditFilters => Object.fromEntries(FILTERS.flatMap((k) => (c.req.query(k) ? [[k, c.req.query(k)!.trim()]] : [])));

export function auditPages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const user = (c: Context<AuthEnv>) => c.get('user');

  /** One page of entries (and whether older ones follow), or the refused filter's words. */
  async function results(c: Context<AuthEnv>, base: string, read: (q: AuditQuery) => Promise<Awaited<ReturnType<typeof installationAudit>>>): Promise<AuditResultsProps> {
    const filters = filtersOf(c);
    try {
      const entries = await read({ ...filters, before: c.req.query('before') || undefined, limit: String(PAGE + 1) });
      return { base, filters, entries: entries.slice(0, PAGE), olderThan: entries.length > PAGE ? entries[PAGE - 1].id : undefined };
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      return { base, filters, entries: [], error: err.message };
    }
  }

  const answer = (c: Context<AuthEnv>, r: AuditResultsProps, page: () => ReturnType<typeof AuditPage>) => c.html(c.req.header('HX-Request') ? <AuditResults {...r} /> : page(), r.error ? 400 : 200);

  web.get('/audit', async (c) => {
    const r = await results(c, '/audit', (q) => installationAudit(deps, user(c), q));
    return answer(c, r, () => <AuditPage frame={frame(c)} results={r} canVerify />);
  });
  web.get('/audit/verify', async (c) => {
    const check = await verifyAudit(deps, user(c));
    if (c.req.header('HX-Request')) return c.html(<ChainResult check={check} />);
    const r = await results(c, '/audit', (q) => installationAudit(deps, user(c), q));
    return c.html(<AuditPage frame={frame(c)} results={r} canVerify check={check} />);
  });
  web.get('/audit/export', async (c) => jsonLinesResponse(await auditExport(deps, user(c), filtersOf(c)), 'spur-audit.jsonl'));

  web.get('/projects/:project/audit', async (c) => {
    const project = c.req.param('project');
    const r = await results(c, `/projects/${project}/audit`, (q) => projectAudit(deps, user(c), project, q));
    return answer(c, r, () => <AuditPage frame={frame(c)} project={project} results={r} canVerify={mayDo(user(c), 'audit.read')} />);
  });
  web.get('/projects/:project/audit/export', async (c) => {
    const project = c.req.param('project');
    return jsonLinesResponse(await auditExport(deps, user(c), filtersOf(c), project), `spur-audit-${project}.jsonl`);
  });
}
