// Spur's metrics in Prometheus's text format (version 0.0.4), for a team that already scrapes
// into Grafana: one gauge family per figure, one sample per service, database and server, each its
// newest minute's mean. Pure.

export interface Family {
  name: string;
  help: string;
  samples: { labels: Record<string, string>; value: number }[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function renderPrometheus(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`not a metric name: ${f.name}`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      out.push(`${f.name}${labels ? `{${labels}}` : ''} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
    }
  }
  return `${out.join('\n')}\n`;
}
