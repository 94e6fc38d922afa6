// The audit log, as a page: the installation's (owners) or one project's (its admins), filtered
// by a GET form (who, what, when, outcome) that htmx swaps in place, paged back by entry id, a
// Download of the same entries as JSON lines, and for owners the chain check.
import type { AuditEntryView } from '../../src/actions/audit.js';
import type { ChainCheck } from '../../src/store/audit.js';
import { Time } from '../components/time.js';
import { SettingsTabs } from '../components/settings-tabs.js';
import { Layout, type LayoutProps } from '../layout.js';

/** The filters as the form sends them (empty ones left out). */
export type AuditFilters = Partial<Record<'actor' | 'action' | 'since' | 'until' | 'outcome', string>>;

export interface AuditPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  /** A project's log; none: the installation's. */
  project?: string;
  results: AuditResultsProps;
  /** Owners check the chain; a check already made (without htmx) is shown. */
  canVerify: boolean;
  check?: ChainCheck;
}

export interface AuditResultsProps {
  base: string;
  filters: AuditFilters;
  entries: AuditEntryView[];
  /** The id to page back from, when there may be older entries. */
  olderThan?: number;
  /** A filter the server refused, in its words. */
  error?: string;
}

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams(Object.entries(params).flatMap(([k, v]): [string, string][] => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();
  return q ? `?${q}` : '';
};

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** Who acted: a person (signed in, or by API token) with the role that decided, Spur, or a git host. */
function Who(props: { e: AuditEntryView }) {
  const { actor, role } = props.e;
  if (actor.kind === 'system') return <>Spur <span class="muted">({actor.email})</span></>;
  if (actor.kind === 'webhook') return <>{actor.email} <span class="muted">(webhook)</span></>;
  return (
    <>
      {actor.email}
      {role && <span class="muted"> ({role})</span>}
      {actor.kind === 'token' && <span class="muted"> by API token</span>}
    </>
  );
}

function Change(props: { e: AuditEntryView }) {
  const [before, after] = [json(props.e.before), json(props.e.after)];
  if (!before && !after) return <span class="muted">—</span>;
  return (
    <>
      {before && <code>{before}</code>}
      {before && after && ' → '}
      {after && <code>{after}</code>}
    </>
  );
}

/** The entries, their paging and the download: what the filter form swaps in. */
export function AuditResults(props: AuditResultsProps) {
  const exportQuery = query(props.filters);
  return (
    <section id="audit-results" aria-live="polite">
      {props.error ? (
        <p class="error" role="alert">{props.error}</p>
      ) : (
        <>
          <p>
            <a href={`${props.base}/export${exportQuery}`} download>Download as JSON lines</a>{' '}
            <span class="muted">(every entry these filters match)</span>
          </p>
          {props.entries.length === 0 ? (
            <p class="muted">No entries.</p>
          ) : (
            <table>
              <caption class="muted">Newest first</caption>
              <thead>
                <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Via</th><th scope="col">Action</th><th scope="col">Object</th><th scope="col">Before → after</th><th scope="col">Outcome</th></tr>
              </thead>
              <tbody>
                {props.entries.map((e) => (
                  <tr id={`entry-${e.id}`}>
                    <td><Time at={e.at} /></td>
                    <td><Who e={e} /></td>
                    <td>{e.via}{e.address && <span class="muted"> from {e.address}</span>}</td>
                    <td><code>{e.action}</code></td>
                    <td>{e.object ? <>{e.object.name ?? ''} <span class="muted">({e.object.kind})</span></> : <span class="muted">—</span>}</td>
                    <td><Change e={e} /></td>
                    <td>{e.outcome === 'refused' ? <strong class="bad">refused</strong> : 'allowed'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {props.olderThan !== undefined && (
            <p><a href={`${props.base}${query({ ...props.filters, before: props.olderThan })}`} hx-get={`${props.base}${query({ ...props.filters, before: props.olderThan })}`} hx-target="#audit-results" hx-swap="outerHTML">Older entries</a></p>
          )}
        </>
      )}
    </section>
  );
}

/** The result of checking the chain: intact with how many entries, or the first entry that breaks it. */
export function ChainResult(props: { check?: ChainCheck }) {
  const c = props.check;
  return (
    <p id="chain-check" role="status">
      {c && (c.intact ? <>The chain is intact: {c.entries} entries, none changed, removed or moved.</> : <strong class="bad">The chain is broken at entry {c.brokenAt}: an entry was changed, removed or moved ({c.entries} before it check out).</strong>)}
    </p>
  );
}

function FilterForm(props: { base: string; filters: AuditFilters }) {
  const f = props.filters;
  return (
    <form method="get" action={props.base} class="row" role="search" aria-label="Filter the audit log" hx-get={props.base} hx-target="#audit-results" hx-select="#audit-results" hx-swap="outerHTML" hx-push-url="true">
      <label class="field"><span>Who (email)</span><input type="email" name="actor" value={f.actor ?? ''} autocomplete="off" /></label>
      <label class="field"><span>Action</span><input type="text" name="action" value={f.action ?? ''} placeholder="variables.change or variables" /></label>
      <label class="field"><span>From (date)</span><input type="date" name="since" value={f.since ?? ''} /></label>
      <label class="field"><span>Before (date)</span><input type="date" name="until" value={f.until ?? ''} /></label>
      <label class="field">
        <span>Outcome</span>
        <select name="outcome">
          <option value="" selected={!f.outcome}>Any</option>
          <option value="allowed" selected={f.outcome === 'allowed'}>Allowed</option>
          <option value="refused" selected={f.outcome === 'refused'}>Refused</option>
        </select>
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

export function AuditPage(props: AuditPageProps) {
  const title = props.project ? `Audit log of ${props.project}` : 'Audit log';
  return (
    <Layout title={title} section={props.project ? 'projects' : 'settings'} {...props.frame}>
      {props.project ? <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> /</p> : null}
      <h1>{title}</h1>
      {!props.project && <SettingsTabs current="audit" />}
      <p class="muted">Every change and every refused attempt: who (with the role that decided), through which door, on what, before and after. Secret values are never written, only that they were set, changed or removed.</p>
      {props.canVerify && (
        <form method="get" action="/audit/verify" hx-get="/audit/verify" hx-target="#chain-check" hx-swap="outerHTML" class="row">
          <button type="submit">Verify chain</button>
          <ChainResult check={props.check} />
        </form>
      )}
      <FilterForm base={props.results.base} filters={props.results.filters} />
      <AuditResults {...props.results} />
    </Layout>
  );
}
