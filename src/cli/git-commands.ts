// CLI commands for git access: SSH keys, a service's push URL, webhook and deploy key.
import { readFileSync } from 'node:fs';
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

type KeyView = { id: number; name: string; algorithm: string; fingerprint: string };

async function keys(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { name: { type: 'string' } });
  const [sub, arg] = positionals;
  const api = client(io);
  if (sub === 'add') {
    need(positionals, 2, 'spur keys add <public-key-file | -> [--name N]');
    let text: string;
    try {
      text = arg === '-' ? readFileSync(0, 'utf8') : readFileSync(arg, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${arg}: ${(err as Error).message}`, 2);
    }
    const answer = await api.json<{ key: KeyView }>('POST', '/keys', { key: text, name: values.name });
    const { key } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `Added key ${key.id} (${key.name}, ${key.fingerprint})`);
  } else if (sub === 'list') {
    const answer = await api.json<{ keys: KeyView[] }>('GET', '/keys');
    io.stdout(values.json ? JSON.stringify(answer) : answer.keys.map((k) => `${k.id}\t${k.name}\t${k.algorithm}\t${k.fingerprint}`).join('\n') || 'No keys.');
  } else if (sub === 'remove') {
    need(positionals, 2, 'spur keys remove <id>');
    if (!/^\d+$/.test(arg)) throw new CliError(`"${arg}" is not a key id`, 2);
    const answer = await api.json('DELETE', `/keys/${arg}`);
    io.stdout(values.json ? JSON.stringify(answer) : `Removed key ${arg}`);
  } else throw new CliError('usage: spur keys add|list|remove', 2);
}

async function git(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' }, 'https-token': { type: 'string' } });
  const [project, service] = need(positionals, 2, 'spur git <project> <service> [--https-token T]');
  const path = `/projects/${enc(project)}/services/${enc(service)}`;
  const api = client(io);
  if (values['https-token'] !== undefined) await api.json('PUT', `${path}/credentials${envQuery(values.env)}`, { httpsToken: values['https-token'] });
  const access = await api.json<{ pushUrl: string; webhook: { url: string; secret: string | null }; deployKey: string | null; httpsToken: string | null }>('GET', `${path}/git${envQuery(values.env)}`);
  if (values.json) return io.stdout(JSON.stringify(access));
  io.stdout(
    [
      `Push:           git remote add spur ${access.pushUrl} && git push spur main`,
      `Webhook URL:    ${access.webhook.url}`,
      `Webhook secret: ${access.webhook.secret ?? '-'}`,
      `Deploy key:     ${access.deployKey ?? '-'}`,
      `HTTPS token:    ${access.httpsToken ?? 'not set'}`,
    ].join('\n'),
  );
}

export const gitCommands = { keys, git };
