// CLI commands that talk to a Spur server over its API. Each prints text, or JSON with --json.
import { readFileSync } from 'node:fs';
import { type SourceView, sourceKind } from '../sources/index.js';
import { ApiClient, CliError, saveLogin } from './client.js';
import { type CliIo, type Deployment, args, client, enc, envQuery, followDeployment, need } from './shared.js';
import { type MaybeRequested, sayRequested } from './request-commands.js';

async function login(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { token: { type: 'string' } });
  const [url] = need(positionals, 1, 'spur login <url> --token <token>');
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new CliError('the URL must start with http:// or https://', 2);
  if (!values.token) throw new CliError('usage: spur login <url> --token <token>', 2);
  const token = String(values.token);
  const me = await new ApiClient({ url, token }).json<{ email: string }>('GET', '/me');
  saveLogin(io.env, { url, token });
  io.stdout(values.json ? JSON.stringify(me) : `Logged in to ${url} as ${me.email}`);
}

/** Deleting needs --yes; the name then goes to the server as the typed confirmation. */
export function confirmed(values: Record<string, string | boolean | undefined>, what: string, name: string): string {
  if (!values.yes) throw new CliError(`this deletes ${what}; add --yes to go ahead`, 2);
  return name;
}

async function project(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { yes: { type: 'boolean' } });
  const [sub, name] = positionals;
  if (sub === 'create') {
    need(positionals, 2, 'spur project create <project>');
    const res = await client(io).json<{ project: { name: string; environments: string[] } }>('POST', '/projects', { name });
    io.stdout(values.json ? JSON.stringify(res) : `Created project ${res.project.name} (environments: ${res.project.environments.join(', ')})`);
  } else if (sub === 'list') {
    const res = await client(io).json<{ projects: { name: string; environments: string[] }[] }>('GET', '/projects');
    io.stdout(values.json ? JSON.stringify(res) : res.projects.map((p) => `${p.name}\t${p.environments.join(',')}`).join('\n') || 'No projects.');
  } else if (sub === 'delete') {
    need(positionals, 2, 'spur project delete <project> --yes');
    const res = await client(io).json('DELETE', `/projects/${enc(name)}`, { confirm: confirmed(values, `project ${name}, with every service, environment, image and repository in it`, name) });
    io.stdout(values.json ? JSON.stringify(res) : `Deleted project ${name}`);
  } else if (sub === 'env' && positionals[1] === 'delete' && positionals.length === 4) {
    const [, , projectName, envName] = positionals;
    const res = await client(io).json('DELETE', `/projects/${enc(projectName)}/environments/${enc(envName)}`, { confirm: confirmed(values, `environment ${envName} of ${projectName}, with its services and network`, envName) });
    io.stdout(values.json ? JSON.stringify(res) : `Deleted environment ${envName} of ${projectName}`);
  } else if (sub === 'env') {
    const [, projectName, envName] = need(positionals, 3, 'spur project env <project> <environment>');
    const res = await client(io).json<{ environment: { name: string } }>('POST', `/projects/${enc(projectName)}/environments`, { name: envName });
    io.stdout(values.json ? JSON.stringify(res) : `Created environment ${res.environment.name} in ${projectName}`);
  } else throw new CliError('usage: spur project create|list|delete|env …', 2);
}

async function service(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { git: { type: 'string' }, push: { type: 'boolean' }, branch: { type: 'string' }, root: { type: 'string' }, dockerfile: { type: 'string' }, image: { type: 'string' }, port: { type: 'string' }, deploy: { type: 'boolean' }, yes: { type: 'boolean' }, 'delete-volumes': { type: 'boolean' } });
  const usage = 'spur service create <project> <service> (--git URL | --push | --image REF) [--branch B] [--root DIR] [--dockerfile PATH] [--port N] [--deploy] | spur service source <project> <service> [--git URL | --push | --image REF] [--branch B] [--root DIR] [--dockerfile PATH] | spur service delete <project> <service> --yes [--delete-volumes]';
  const [sub, projectName, name] = positionals;
  if (sub === 'source') {
    // Only what is given changes (an empty value clears a path); the server checks it as at creation.
    need(positionals, 3, usage);
    const body = { git: values.git, push: values.push, branch: values.branch, rootDir: values.root, dockerfilePath: values.dockerfile, image: values.image };
    if (Object.values(body).every((v) => v === undefined)) throw new CliError(`usage: ${usage}`, 2);
    const res = await client(io).json<{ service: { name: string; source: SourceView }; notes: string[] }>('PUT', `/projects/${enc(projectName)}/services/${enc(name)}/source`, body);
    const s = res.service.source;
    const from = sourceKind(s.type).described(s);
    return io.stdout(values.json ? JSON.stringify(res) : [`${name} of ${projectName} now deploys ${from}.`, ...res.notes].join('\n'));
  }
  if (sub === 'delete') {
    need(positionals, 3, usage);
    const volumes = values['delete-volumes'] === true;
    const res = await client(io).json('DELETE', `/projects/${enc(projectName)}/services/${enc(name)}`, { confirm: confirmed(values, `service ${name} of ${projectName} in every environment, with its images and repository${volumes ? ' and its volumes' : ' (its volumes are kept; --delete-volumes removes them too)'}`, name), deleteVolumes: volumes });
    return io.stdout(values.json ? JSON.stringify(res) : `Deleted service ${name} of ${projectName}${volumes ? ' and its volumes' : '; its volumes, if any, are kept'}`);
  }
  if (sub !== 'create') throw new CliError(`usage: ${usage}`, 2);
  need(positionals, 3, usage);
  // --deploy: created and deployed in one call (the UI's "Create and deploy"), then followed.
  const body = { name, git: values.git, push: values.push, branch: values.branch, rootDir: values.root, dockerfilePath: values.dockerfile, image: values.image, port: values.port, deploy: values.deploy || undefined };
  const api = client(io);
  const res = await api.json<{ service: { name: string; source: Record<string, unknown> }; deployment?: Deployment; notDeployed?: string } & MaybeRequested>('POST', `/projects/${enc(projectName)}/services`, body);
  // Created, and its first deploy (to protected production) became a request.
  if (res.request) return void sayRequested(io, res, !!values.json, `Created service ${name} in ${projectName}; ${res.message ?? 'its deploy is requested'}`);
  if (values.json && !res.deployment) return io.stdout(JSON.stringify(res));
  const created = `Created service ${res.service.name} in ${projectName}`;
  if (!res.deployment) return io.stdout(res.notDeployed ? `${created}; ${res.notDeployed}` : `${created}; deploy it with: spur deploy ${projectName} ${res.service.name}`);
  (values.json ? io.stderr : io.stdout)(`${created}; deploying it to production`);
  await followDeployment(api, io, res.deployment, !!values.json);
}

async function vars(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' }, reveal: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
  const [sub, projectName, serviceName, ...pairs] = positionals;
  const usage = 'spur vars set|unset|list <project> <service|shared> [KEY=VALUE ... | KEY ...] [--env E]  |  vars replace <project> <service> <file|-> [--dry-run] [--env E]';
  need(positionals, 3, usage);
  if (sub === 'replace') {
    // The service's variables become exactly the .env text given (owners); --dry-run says what that would do.
    if (pairs.length !== 1) throw new CliError(`usage: ${usage}`, 2);
    const env = pairs[0] === '-' ? readFileSync(0, 'utf8') : readFileSync(pairs[0], 'utf8');
    const path = `/projects/${enc(projectName)}/services/${enc(serviceName)}/variables/text${envQuery(values.env)}`;
    const res = await client(io).json<{ summary: string; applied: boolean }>('PUT', path, { env, dryRun: values['dry-run'] === true });
    return io.stdout(values.json ? JSON.stringify(res) : res.applied ? `Saved. ${res.summary} It applies with the next deploy.` : `Would save: ${res.summary}`);
  }
  // `shared`: the environment's shared variables, which services reference as ${{shared.NAME}}.
  const path = serviceName === 'shared' ? `/projects/${enc(projectName)}/shared-variables` : `/projects/${enc(projectName)}/services/${enc(serviceName)}/variables`;
  let answer: { variables: Record<string, string> } & MaybeRequested;
  if (sub === 'set') {
    if (pairs.length === 0) throw new CliError(`usage: ${usage}`, 2);
    const changes: Record<string, string> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CliError(`"${pair}" is not KEY=VALUE`, 2);
      changes[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    answer = await client(io).json<{ variables: Record<string, string> } & MaybeRequested>('PUT', path + envQuery(values.env), { variables: changes });
    if (sayRequested(io, answer, !!values.json)) return;
  } else if (sub === 'unset') {
    if (pairs.length === 0) throw new CliError(`usage: ${usage}`, 2);
    // One request a key: --json prints the last answer; the words say each request held back.
    let left: typeof answer | undefined;
    let last: typeof answer | undefined;
    for (const key of pairs) {
      last = await client(io).json<{ variables: Record<string, string> } & MaybeRequested>('DELETE', `${path}/${enc(key)}${envQuery(values.env)}`);
      if (values.json || sayRequested(io, last, false)) continue;
      left = last;
    }
    if (values.json) return io.stdout(JSON.stringify(last));
    if (!left) return; // every removal is a request (said above)
    answer = left;
  } else if (sub === 'list') {
    const q = envQuery(values.env);
    answer = await client(io).json<{ variables: Record<string, string> }>('GET', path + (values.reveal ? (q ? `${q}&reveal=1` : '?reveal=1') : q));
  } else throw new CliError(`usage: ${usage}`, 2);
  io.stdout(values.json ? JSON.stringify(answer) : Object.entries(answer.variables).map(([k, v]) => `${k}=${v}`).join('\n') || 'No variables.');
}

async function deploy(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [projectName, serviceName] = need(positionals, 2, 'spur deploy <project> <service> [--env E]');
  const api = client(io);
  const answer = await api.json<{ deployment: Deployment } & MaybeRequested>('POST', `/projects/${enc(projectName)}/services/${enc(serviceName)}/deployments${envQuery(values.env)}`);
  if (sayRequested(io, answer, !!values.json)) return;
  const { deployment } = answer;
  await followDeployment(api, io, deployment, !!values.json);
}

async function status(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [projectName, serviceName] = need(positionals, 2, 'spur status <project> <service> [--env E]');
  const s = await client(io).json<{
    environment: string; deployment: Deployment | null; activeDeployment: Deployment | null; swarmService: string; network: string; internalUrl: string; publicUrls: string[]; replicas: number; running: number | null; replicasSummary: string; state: { kind: string; words: string; detail?: string };
  }>('GET', `/projects/${enc(projectName)}/services/${enc(serviceName)}${envQuery(values.env)}`);
  if (values.json) return io.stdout(JSON.stringify(s));
  const describe = (d: Deployment) => `#${d.id} ${d.status}${d.commitSha ? ` (${d.commitSha.slice(0, 7)} ${d.commitMessage ?? ''})` : ''}${d.failureReason ? ` — ${d.failureReason}` : ''}`;
  const serving = s.activeDeployment;
  const latest = s.deployment && s.deployment.id !== serving?.id ? s.deployment : null;
  io.stdout(
    [
      `Environment:    ${s.environment}`,
      `State:          ${s.state.words}${s.state.detail && s.state.kind === 'down' ? ` — ${s.state.detail}` : ''}`,
      `Serving:        ${serving ? describe(serving) : 'nothing'}`,
      ...(latest ? [`Latest attempt: ${describe(latest)}`] : []),
      `Replicas:       ${s.replicasSummary}`,
      `Swarm service:  ${s.swarmService}`,
      `Network:        ${s.network}`,
      `Internal URL:   ${s.internalUrl}`,
      `Public URL:     ${s.publicUrls.join(' ')}`,
    ].join('\n'),
  );
}

async function deployments(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [projectName, serviceName] = need(positionals, 2, 'spur deployments <project> <service> [--env E]');
  const answer = await client(io).json<{ deployments: Deployment[] }>('GET', `/projects/${enc(projectName)}/services/${enc(serviceName)}/deployments${envQuery(values.env)}`);
  if (values.json) return io.stdout(JSON.stringify(answer));
  io.stdout(answer.deployments.map((d) => `#${d.id}\t${d.status}\t${d.commitSha?.slice(0, 7) ?? '-'}\t${d.createdAt}\t${d.trigger}${d.failureReason ? `\t${d.failureReason}` : ''}`).join('\n') || 'No deployments.');
}

async function logs(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' }, all: { type: 'boolean' } });
  const [projectName, serviceName] = need(positionals, 2, 'spur logs <project> <service> [--env E] [--follow] [--tail N] [--all]');
  const params = new URLSearchParams();
  if (values.env) params.set('env', String(values.env));
  if (values.follow) params.set('follow', '1');
  if (values.tail) params.set('tail', String(values.tail));
  if (values.all) params.set('all', '1');
  for await (const msg of client(io).events(`/projects/${enc(projectName)}/services/${enc(serviceName)}/logs?${params}`)) {
    if (msg.event === 'line') io.stdout(values.json ? msg.data : (JSON.parse(msg.data) as { line: string }).line);
 else if (msg.event === 'problem') throw new CliError(msg.data);
  }
}

export const commands: Record<string, (argv: string[], io: CliIo) => Promise<void>> = { login, project, service, vars, deploy, status, deployments, logs };
