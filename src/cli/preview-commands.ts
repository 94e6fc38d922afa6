// `spur previews …`: a service's previews of pull requests (on from a base environment, or off),
// and a project's previews with their pull requests, addresses and expiry.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';

interface SettingsView {
  on: boolean;
  base: string | null;
  copy: string[];
  ttlHours: number;
  with: 'service' | 'project';
  databases: 'none' | 'fresh';
  statusToken: boolean;
}

interface PreviewView {
  environment: string;
  service: string;
  pullRequest: number;
  fork: boolean;
  head: string | null;
  expiresAt: string | null;
  url: string | null;
}

const USAGE = 'spur previews on <project> <service> --base <environment> [--copy A,B] [--ttl-hours H] [--with service|project] [--databases none|fresh] [--status-token T]  |  previews off <project> <service>  |  previews list <project>';

const say = (s: SettingsView, service: string) => {
  if (!s.on) return `Previews of ${service}'s pull requests are off`;
  const holds = `${s.with === 'project' ? `${service} and ${s.base}'s other services` : service}${s.databases === 'fresh' ? `, with fresh databases` : ''}`;
  const copying = s.copy.length ? `copying ${s.copy.join(', ')}` : 'copying no variables';
  return `Previews of ${service}'s pull requests: made from ${s.base} (${holds}), ${copying}; an idle one goes after ${s.ttlHours} h${s.statusToken ? "; each reports its address to its pull request" : ''}`;
};

async function previews(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { base: { type: 'string' }, copy: { type: 'string' }, 'ttl-hours': { type: 'string' }, with: { type: 'string' }, databases: { type: 'string' }, 'status-token': { type: 'string' } });
  const [sub, project, service] = need(positionals, 2, USAGE);
  const api = client(io);
  if (sub === 'list' && !service) {
    const answer = await api.json<{ previews: PreviewView[] }>('GET', `/projects/${enc(project)}/previews`);
    if (values.json) return io.stdout(JSON.stringify(answer));
    io.stdout(answer.previews.map((p) => `${p.environment}\t${p.service} #${p.pullRequest}${p.fork ? ' (fork)' : ''}\t${p.url ?? ''}\texpires ${p.expiresAt ?? '—'}`).join('\n') || 'No previews.');
  } else if ((sub === 'on' || sub === 'off') && service && positionals.length === 3) {
    if (values['ttl-hours'] !== undefined && !/^\d+$/.test(String(values['ttl-hours']))) throw new CliError(`--ttl-hours: "${values['ttl-hours']}" is not a number of hours`, 2);
    if (sub === 'on' && !values.base) throw new CliError(`usage: ${USAGE}`, 2);
    const given = { with: values.with, databases: values.databases, statusToken: values['status-token'] };
    const body = sub === 'off' ? { on: false } : { base: values.base, copy: values.copy ?? '', ...(values['ttl-hours'] ? { ttlHours: Number(values['ttl-hours']) } : {}), ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
    const answer = await api.json<{ previews: SettingsView }>('PUT', `/projects/${enc(project)}/services/${enc(service)}/previews`, body);
    io.stdout(values.json ? JSON.stringify(answer) : say(answer.previews, service));
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const previewCommands = { previews };
