// `spur compose up|ls|ps|history|rollback|rm`: Compose apps, a Compose file kept as a group of a
// project's services and deployed (and rolled back) as one.
import { readFileSync } from 'node:fs';
import { type ApiClient, CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';
import { confirmed } from './commands.js';
import type { ComposeAppView, ComposeDeploymentView as GroupDeployment, ComposeMemberView as Member } from '../actions/compose.js';

export type { GroupDeployment };

const USAGE =
  'spur compose up <project> <app> (-f FILE | --git URL [--branch B] [--path docker-compose.yml]) [--env-file FILE] [--env E] [--all] [--no-deploy]  |  compose ls <project>  |  compose ps|history <project> <app> [--env E]  |  compose rollback <project> <app> [group-id] [--env E]  |  compose rm <project> <app> --yes [--delete-volumes]';

const memberLine = (m: Member) => `  ${m.service}\t${m.deployment === null ? '—' : `#${m.deployment}`}\t${m.status ?? 'waiting'}${m.changed ? '' : '\t(unchanged)'}`;
const groupLine = (g: GroupDeployment) => `#${g.id}\t${g.status}\t${g.createdAt.replace('T', ' ').slice(0, 19)}\t${g.trigger}${g.failureReason ? `\t${g.failureReason}` : ''}`;

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
}

/** Waits for a group deployment to end, saying each member's state as it changes; --json prints
 *  the last answer (the one that started it, or the deployment's at its end). */
export async function followGroupDeployment(api: ApiClient, io: CliIo, path: string, started: { deployment: GroupDeployment }, json: boolean): Promise<void> {
  const log = json ? io.stderr : io.stdout;
  const group = started.deployment;
  let last: { deployment: GroupDeployment } = started;
  log(`Group deployment #${group.id} of ${group.members.length} services (${group.members.filter((m) => m.changed).length} to deploy)`);
  const said = new Map<string, string>();
  let current = group;
  for (;;) {
    for (const m of current.members) {
      const line = memberLine(m);
      if (said.get(m.service) !== line) log(line);
      said.set(m.service, line);
    }
    if (current.status !== 'deploying') break;
    await new Promise((r) => setTimeout(r, 1000));
    last = await api.json<{ deployment: GroupDeployment }>('GET', `${path}/deployments/${current.id}`);
    current = last.deployment;
  }
  if (json) io.stdout(JSON.stringify(last));
  if (current.status !== 'active') throw new CliError(`group deployment #${current.id} ${current.status}: ${current.failureReason ?? current.status}`);
  if (!json) io.stdout(`Group deployment #${current.id} is active.`);
}

async function compose(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { file: { type: 'string', short: 'f' }, git: { type: 'string' }, branch: { type: 'string' }, path: { type: 'string' }, 'env-file': { type: 'string' }, env: { type: 'string' }, all: { type: 'boolean' }, 'no-deploy': { type: 'boolean' }, yes: { type: 'boolean' }, 'delete-volumes': { type: 'boolean' } });
  const [sub, project, name, extra] = need(positionals, 2, USAGE);
  const api = client(io);
  const path = `/projects/${enc(project)}/compose/${enc(name ?? '')}`;
  const json = !!values.json;
  if (sub === 'up' && name && !extra) {
    if ((typeof values.file === 'string') === (typeof values.git === 'string')) throw new CliError('compose up: name the Compose file with -f FILE (- for standard input), or its repository with --git URL [--branch B] [--path P]', 2);
    const body = {
      ...(typeof values.file === 'string' ? { file: readFile(values.file, 'Compose file') } : { git: values.git, branch: values.branch, path: values.path }),
      ...(typeof values['env-file'] === 'string' ? { env: readFile(values['env-file'], '.env file') } : {}),
      ...(values.env ? { environment: values.env } : {}),
      deploy: !values['no-deploy'],
      all: values.all === true,
    };
    const saved = await api.json<{ app: ComposeAppView; notes: string[]; deployment: GroupDeployment | null }>('PUT', path, body);
    const log = json ? io.stderr : io.stdout;
    log(`Saved Compose app ${saved.app.name} in ${project}: ${saved.app.services.join(', ')}`);
    for (const note of saved.notes) log(`Note: ${note}`);
    if (!saved.deployment) return json ? io.stdout(JSON.stringify(saved)) : undefined;
    return followGroupDeployment(api, io, path, { ...saved, deployment: saved.deployment }, json);
  }
  if (sub === 'ls' && !name) {
    const answer = await api.json<{ apps: ComposeAppView[] }>('GET', `/projects/${enc(project)}/compose`);
    return io.stdout(json ? JSON.stringify(answer) : answer.apps.map((a) => `${a.name}\t${a.services.join(',')}`).join('\n') || 'No Compose apps.');
  }
  if ((sub === 'ps' || sub === 'history') && name && !extra) {
    const shown = await api.json<{ app: ComposeAppView; environment: string; deployments: GroupDeployment[] }>('GET', path + envQuery(values.env));
    if (json) return io.stdout(JSON.stringify(shown));
    if (sub === 'history') return io.stdout(shown.deployments.map(groupLine).join('\n') || `${name} has not been deployed in ${shown.environment}.`);
    const serving = shown.deployments.find((d) => d.status === 'active');
    const latest = shown.deployments[0];
    const lines = [`${shown.app.name} in ${shown.environment}: ${shown.app.services.join(', ')}`, serving ? `Serving: group deployment #${serving.id}` : 'Serving: nothing yet', ...(serving ? serving.members.map(memberLine) : [])];
    if (latest && latest !== serving) lines.push(`Latest: ${groupLine(latest)}`);
    return io.stdout(lines.join('\n'));
  }
  if (sub === 'rollback' && name) {
    if (extra !== undefined && !/^\d+$/.test(extra)) throw new CliError(`compose rollback: "${extra}" is not a group deployment number`, 2);
    const started = await api.json<{ deployment: GroupDeployment }>('POST', `${path}/rollback`, { ...(extra ? { to: Number(extra) } : {}), ...(values.env ? { environment: values.env } : {}) });
    return followGroupDeployment(api, io, path, started, json);
  }
  if (sub === 'rm' && name && !extra) {
    const deleteVolumes = values['delete-volumes'] === true;
    const res = await api.json<{ deleted: string; services: string[] }>('DELETE', path, { confirm: confirmed(values, `Compose app ${name} of ${project} and its services (${deleteVolumes ? 'with' : 'keeping'} their volumes)`, name), deleteVolumes });
    return io.stdout(json ? JSON.stringify(res) : `Deleted Compose app ${res.deleted} and its services ${res.services.join(', ') || '(none)'}`);
  }
  throw new CliError(`usage: ${USAGE}`, 2);
}

export const composeCommands = { compose };
