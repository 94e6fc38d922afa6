// `spur templates list|show|deploy`: the catalogue of one-click apps, and deploying one into a
// project as a Compose app (followed like `spur compose up`).
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';
import { followGroupDeployment, type GroupDeployment } from './compose-commands.js';

import type { TemplateView } from '../actions/templates.js';

const USAGE = 'spur templates list [--search WORDS]  |  templates show <template>  |  templates deploy <project> <template> [--name APP] [--set NAME=VALUE]… [--env E] [--no-deploy]';

async function templates(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { search: { type: 'string' }, name: { type: 'string' }, set: { type: 'string', multiple: true }, env: { type: 'string' }, 'no-deploy': { type: 'boolean' } });
  const [sub, a, b] = need(positionals, 1, USAGE);
  const api = client(io);
  const json = !!values.json;
  if (sub === 'list' && !a) {
    const q = typeof values.search === 'string' ? `?q=${enc(values.search)}` : '';
    const answer = await api.json<{ templates: TemplateView[] }>('GET', `/templates${q}`);
    return io.stdout(json ? JSON.stringify(answer) : answer.templates.map((t) => `${t.id}\t${t.category}\t${t.description}`).join('\n') || 'No template matches.');
  }
  if (sub === 'show' && a && !b) {
    const answer = await api.json<{ template: TemplateView }>('GET', `/templates/${enc(a)}`);
    if (json) return io.stdout(JSON.stringify(answer));
    const t = answer.template;
    const lines = [
      `${t.name} (${t.id}, ${t.category}): ${t.description}`,
      t.website,
      'Services:',
      ...t.services.map((s) => `  ${s.name}\t${s.image}${s.port ? `\tport ${s.port}` : ''}${s.volumes.length ? `\tvolumes ${s.volumes.join(', ')}` : ''}${s.name === t.domainService ? '\t(gets the domain)' : ''}`),
      `Generated secrets: ${t.secrets.join(', ') || 'none'}`,
      ...(t.settings.length ? ['Settings (--set NAME=VALUE):', ...t.settings.map((s) => `  ${s.name}\t${s.description}${s.default !== null ? ` (default: ${s.default || 'empty'})` : ' (required)'}`)] : []),
    ];
    return io.stdout(lines.join('\n'));
  }
  if (sub === 'deploy' && a && b) {
    const settings: Record<string, string> = {};
    for (const pair of (values.set as unknown as string[] | undefined) ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CliError(`--set "${pair}" is not NAME=VALUE`, 2);
      settings[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const body = { settings, deploy: !values['no-deploy'], ...(values.name ? { name: values.name } : {}), ...(values.env ? { environment: values.env } : {}) };
    const path = `/projects/${enc(a)}/compose/${enc(typeof values.name === 'string' ? values.name : b)}`;
    const res = await api.json<{ app: { name: string; services: string[] }; notes: string[]; deployment: GroupDeployment | null; url: string }>('POST', `/projects/${enc(a)}/templates/${enc(b)}`, body);
    const log = json ? io.stderr : io.stdout;
    log(`Created Compose app ${res.app.name} in ${a} from the template ${b}: ${res.app.services.join(', ')}; it will answer at ${res.url}`);
    if (!res.deployment) return json ? io.stdout(JSON.stringify(res)) : undefined;
    return followGroupDeployment(api, io, path, { ...res, deployment: res.deployment }, json);
  }
  throw new CliError(`usage: ${USAGE}`, 2);
}

export const templateCommands = { templates };
