// CLI commands that change how a service runs: rollback, promote, run, cancel, scale, settings.
import { CliError } from './client.js';
import { type CliIo, type Deployment, args, client, enc, envQuery, followDeployment, need } from './shared.js';
import { type MaybeRequested, sayRequested } from './request-commands.js';

const servicePath = (p: string, s: string) => `/projects/${enc(p)}/services/${enc(s)}`;

async function rollback(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [project, service, target] = need(positionals, 2, 'spur rollback <project> <service> [deployment] [--env E]');
  if (target !== undefined && !/^\d+$/.test(target)) throw new CliError(`"${target}" is not a deployment number`, 2);
  const api = client(io);
  const answer = await api.json<{ deployment: Deployment } & MaybeRequested>('POST', `${servicePath(project, service)}/rollback${envQuery(values.env)}`, target ? { deployment: Number(target) } : {});
  if (sayRequested(io, answer, !!values.json)) return;
  const { deployment } = answer;
  await followDeployment(api, io, deployment, !!values.json);
}

/** Runs what serves in one environment in another: the same image, that environment's variables. */
async function promote(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { from: { type: 'string' }, to: { type: 'string' } });
  const usage = 'spur promote <project> <service> --from <environment> --to <environment>';
  const [project, service] = need(positionals, 2, usage);
  if (!values.from || !values.to) throw new CliError(`usage: ${usage}`, 2);
  const api = client(io);
  const answer = await api.json<{ deployment: Deployment } & MaybeRequested>('POST', `${servicePath(project, service)}/promote${envQuery(values.to)}`, { from: values.from });
  if (sayRequested(io, answer, !!values.json)) return;
  await followDeployment(api, io, answer.deployment, !!values.json);
}

/** A one-off command in a new container of the serving image: its output as it comes, then the
 *  command's exit code as spur's own. The words after `--` go to it as they are. */
async function run(argv: string[], io: CliIo) {
  const usage = 'spur run <project> <service> [--env E] [--timeout S] -- <command> [args…]';
  const { values, positionals } = args(argv, { env: { type: 'string' }, timeout: { type: 'string' } });
  const [project, service, ...command] = need(positionals, 3, usage);
  if (values.timeout !== undefined && !/^\d+$/.test(String(values.timeout))) throw new CliError(`--timeout: "${values.timeout}" is not a number of seconds`, 2);
  const body = { command, ...(values.timeout ? { timeout: Number(values.timeout) } : {}) };
  for await (const e of client(io).events(`${servicePath(project, service)}/run${envQuery(values.env)}`, 'POST', body)) {
    // --json: each event's JSON as the stream sent it, one a line (output lines, then the exit).
    if (values.json && (e.event === 'output' || e.event === 'exit')) io.stdout(e.data);
    if (e.event === 'output') {
      const { stream, line } = JSON.parse(e.data) as { stream: 'stdout' | 'stderr'; line: string };
      if (!values.json) (stream === 'stderr' ? io.stderr : io.stdout)(line);
    } else if (e.event === 'exit') {
      const { code } = JSON.parse(e.data) as { code: number };
      if (code !== 0) throw new CliError(`the command exited with ${code}`, code > 255 ? 1 : code);
      return;
    } else if (e.event === 'problem') throw new CliError(e.data);
  }
  throw new CliError('the connection to Spur ended before the command did');
}

/** A hand on a canary or blue-green release under way: step it up now, or send every request back. */
async function canary(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const usage = 'spur canary <project> <service> next|abort [--env E]';
  const [project, service, action] = need(positionals, 3, usage);
  if (action !== 'next' && action !== 'abort') throw new CliError(`usage: ${usage}`, 2);
  const answer = await client(io).json('POST', `${servicePath(project, service)}/release${envQuery(values.env)}`, { action });
  io.stdout(values.json ? JSON.stringify(answer) : action === 'next' ? 'Stepping up: the next share of the traffic goes to the new version now.' : 'Stopping: every request goes back to the old version, and the new one is removed.');
}

async function cancel(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [project, service] = need(positionals, 2, 'spur cancel <project> <service> [--env E]');
  const answer = await client(io).json<{ cancelled: number[] }>('POST', `${servicePath(project, service)}/cancel${envQuery(values.env)}`);
  const { cancelled } = answer;
  io.stdout(values.json ? JSON.stringify(answer) : cancelled.length ? `Cancelled deployment${cancelled.length > 1 ? 's' : ''} ${cancelled.map((id) => `#${id}`).join(', ')}` : 'Nothing to cancel.');
}

async function scale(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [project, service, replicas] = need(positionals, 3, 'spur scale <project> <service> <replicas> [--env E]');
  const res = await client(io).json<{ replicas: number; applied: boolean }>('POST', `${servicePath(project, service)}/scale${envQuery(values.env)}`, { replicas });
  io.stdout(values.json ? JSON.stringify(res) : `${service} set to ${res.replicas} replica${res.replicas === 1 ? '' : 's'}${res.applied ? '' : ' (takes effect with the first deploy)'}`);
}

/** CLI flag → API settings field. */
const SETTINGS: Record<string, string> = {
  replicas: 'replicas',
  port: 'port',
  cpu: 'cpuLimit',
  memory: 'memoryLimit',
  'cpu-reservation': 'cpuReservation',
  'memory-reservation': 'memoryReservation',
  restart: 'restartPolicy',
  'restart-attempts': 'restartMaxAttempts',
  health: 'healthCheck',
  'health-path': 'healthPath',
  'health-port': 'healthPort',
  'health-interval': 'healthInterval',
  'health-timeout': 'healthTimeout',
  'health-retries': 'healthRetries',
  'health-start-period': 'healthStartPeriod',
  'health-command': 'healthCommand',
  command: 'command',
  entrypoint: 'entrypoint',
  'stop-grace': 'stopGracePeriod',
  branch: 'branch',
  'auto-deploy': 'autoDeploy',
  'run-on': 'runOn',
  'release-command': 'releaseCommand',
  'build-memory': 'buildMemory',
  'build-cpus': 'buildCpus',
  'build-timeout': 'buildTimeout',
  'watch-paths': 'watchPaths',
  'build-variables': 'buildVariables',
  'autoscale-min': 'autoscaleMin',
  'autoscale-max': 'autoscaleMax',
  'autoscale-cpu': 'autoscaleCpu',
  'autoscale-memory': 'autoscaleMemory',
  strategy: 'strategy',
  'canary-steps': 'canarySteps',
  'canary-interval': 'canaryInterval',
  'blue-green-keep': 'blueGreenKeep',
};

async function settings(argv: string[], io: CliIo) {
  const options = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, { type: 'string' as const }]));
  const { values, positionals } = args(argv, { env: { type: 'string' }, ...options });
  const [project, service] = need(positionals, 2, `spur settings <project> <service> [--env E] ${Object.keys(SETTINGS).map((k) => `[--${k} V]`).join(' ')}`);
  const body = Object.fromEntries(Object.entries(SETTINGS).filter(([flag]) => values[flag] !== undefined).map(([flag, field]) => [field, values[flag]]));
  const path = `${servicePath(project, service)}${Object.keys(body).length ? '/settings' : ''}${envQuery(values.env)}`;
  const res = await client(io).json<{ settings: Record<string, unknown> }>(Object.keys(body).length ? 'PATCH' : 'GET', path, Object.keys(body).length ? body : undefined);
  io.stdout(values.json ? JSON.stringify(res) : JSON.stringify(res.settings, null, 2) + (Object.keys(body).length ? '\nSaved; replicas apply with `spur scale`, everything else with the next deploy.' : ''));
}

export const rolloutCommands = { rollback, promote, run, canary, cancel, scale, settings };
