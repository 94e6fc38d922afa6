// `spur domains add|list|remove <project> <service> [domain] [--env E]`: a service's custom domains.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface DomainView {
  hostname: string;
  url: string;
}

const USAGE = 'spur domains add|list|remove <project> <service> [domain] [--env E]';

async function domains(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [sub, project, service, hostname] = need(positionals, 3, USAGE);
  const path = `/projects/${enc(project)}/services/${enc(service)}/domains`;
  const api = client(io);
  if (sub === 'add' && hostname) {
    const { domain } = await api.json<{ domain: DomainView }>('POST', path + envQuery(values.env), { hostname });
    io.stdout(values.json ? JSON.stringify(domain) : `Added ${domain.hostname}; it is routed from the next deploy (spur deploy ${project} ${service}).`);
  } else if (sub === 'remove' && hostname) {
    await api.json('DELETE', `${path}/${enc(hostname)}${envQuery(values.env)}`);
    io.stdout(values.json ? JSON.stringify({ deleted: hostname }) : `Removed ${hostname}; the next deploy stops routing it.`);
  } else if (sub === 'list' && !hostname) {
    const { domains: list } = await api.json<{ domains: DomainView[] }>('GET', path + envQuery(values.env));
    io.stdout(values.json ? JSON.stringify(list) : list.map((d) => d.url).join('\n') || 'No custom domains.');
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const domainCommands = { domains };
