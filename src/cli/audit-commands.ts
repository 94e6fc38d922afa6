// CLI commands for the audit log: `spur audit` reads it (a project's or the installation's, one
// line per entry, or JSON lines to export), `spur audit verify` checks its chain.
import { CliError } from './client.js';
import { type CliIo, args, client, enc } from './shared.js';

type Entry = { id: number; at: string; actor: { kind: string; email: string | null }; role: string | null; action: string; object: { kind: string; name: string | null } | null; via: string; address: string | null; outcome: string; before: unknown; after: unknown };

const USAGE = 'spur audit [--project P] [--actor EMAIL] [--action A] [--since DATE] [--until DATE] [--outcome allowed|refused] [--limit N | --all] [--json]  |  spur audit verify';
const FILTERS = ['actor', 'action', 'since', 'until', 'outcome', 'limit'] as const;

/** One entry on one line: when, who (and how), what, on what, and whether it was refused. */
export function describeEntry(e: Entry): string {
  const who = `${e.actor.email ?? '?'}${e.role ? ` (${e.role})` : ''}`;
  const what = e.object ? `${e.action} ${e.object.kind} ${e.object.name ?? ''}`.trimEnd() : e.action;
  const change = e.after ?? e.before;
  return [e.at, who, what, e.outcome === 'refused' ? 'REFUSED' : 'ok', `via ${e.via}${e.address ? ` from ${e.address}` : ''}`, change === null ? '' : JSON.stringify(change)].filter(Boolean).join('\t');
}

async function audit(argv: string[], io: CliIo) {
  const options = Object.fromEntries([...FILTERS, 'project'].map((k) => [k, { type: 'string' as const }]));
  const { values, positionals } = args(argv, { ...options, all: { type: 'boolean' } });
  const api = client(io);
  if (positionals[0] === 'verify' && positionals.length === 1) {
    const check = await api.json<{ intact: boolean; entries: number; brokenAt?: number }>('GET', '/audit/verify');
    if (values.json) io.stdout(JSON.stringify(check));
    else io.stdout(check.intact ? `chain intact: ${check.entries} entries` : `chain broken at entry ${check.brokenAt}`);
    if (!check.intact) throw new CliError(`the audit log's chain is broken at entry ${check.brokenAt}: an entry was changed, removed or moved`, 1);
    return;
  }
  if (positionals.length > 0) throw new CliError(`usage: ${USAGE}`, 2);
  const query = new URLSearchParams(FILTERS.flatMap((k): [string, string][] => (typeof values[k] === 'string' ? [[k, values[k] as string]] : [])));
  if (values.all) query.set('limit', '1000');
  const base = typeof values.project === 'string' ? `/projects/${enc(values.project)}/audit` : '/audit';
  let printed = 0;
  // --all --json is the export (`spur audit --all --json > audit.jsonl`): the server's JSON lines, as they come.
  if (values.all && values.json) {
    query.delete('limit');
    query.set('format', 'jsonl');
    for await (const line of api.lines(`${base}?${query}`)) io.stdout(line);
    return;
  }
  // --json without --all: the one page the API answered.
  if (values.json) return io.stdout(JSON.stringify(await api.json('GET', `${base}?${query}`)));
  // --all pages back through every entry, newest first.
  for (;;) {
    const { entries } = await api.json<{ entries: Entry[] }>('GET', `${base}?${query}`);
    for (const e of entries) io.stdout(describeEntry(e));
    printed += entries.length;
    if (!values.all || entries.length === 0) break;
    query.set('before', String(entries[entries.length - 1].id));
  }
  if (printed === 0) io.stdout('No entries.');
}

export const auditCommands = { audit };
