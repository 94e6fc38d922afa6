// `spur jobs …`: a service's scheduled jobs in one environment: list, add, set, remove, run now
// (waiting for its end: its output, then its exit code as spur's), and its runs.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface RunView {
  id: number;
  trigger: string;
  status: string;
  exitCode: number | null;
  reason: string | null;
  startedAt: string;
  finishedAt: string | null;
  output?: string;
}

interface JobView {
  name: string;
  schedule: string;
  timeZone: string;
  command: string;
  timeout: number;
  allowOverlap: boolean;
  enabled: boolean;
  nextRun: string | null;
  lastRun: RunView | null;
}

const USAGE = [
  'spur jobs list <project> <service> [--env E]',
  'spur jobs add <project> <service> <name> --schedule "0 3 * * *" --command "node report.js" [--time-zone Z] [--timeout S] [--overlap] [--enabled on|off] [--env E]',
  'spur jobs set <project> <service> <name> [--schedule S] [--command C] [--time-zone Z] [--timeout S] [--overlap on|off] [--enabled on|off] [--env E]',
  'spur jobs remove|run|runs <project> <service> <name> [--env E]',
].join('\n  ');

const FLAGS = { env: { type: 'string' }, schedule: { type: 'string' }, command: { type: 'string' }, 'time-zone': { type: 'string' }, timeout: { type: 'string' }, overlap: { type: 'string' }, enabled: { type: 'string' } } as const;
const POLL_MS = 1000;

const describeRun = (r: RunView) => `#${r.id} ${r.status}${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''}${r.reason && r.status !== 'succeeded' ? `: ${r.reason}` : ''}`;

async function jobs(argv: string[], io: CliIo) {
  // --overlap alone means on (add); `--overlap on|off` (set) is read as its value.
  const normalized = argv.flatMap((a, i) => (a === '--overlap' && !['on', 'off'].includes(argv[i + 1] ?? '') ? ['--overlap', 'on'] : [a]));
  const { values, positionals } = args(normalized, FLAGS);
  const [sub, project, service, name] = need(positionals, 3, USAGE);
  if (positionals.length > 4) throw new CliError(`usage: ${USAGE}`, 2);
  const base = `/projects/${enc(project)}/services/${enc(service)}/jobs`;
  const q = envQuery(values.env);
  const api = client(io);
  const fields = () => ({
    ...(values.schedule !== undefined ? { schedule: values.schedule } : {}),
    ...(values.command !== undefined ? { command: values.command } : {}),
    ...(values['time-zone'] !== undefined ? { timeZone: values['time-zone'] } : {}),
    ...(values.timeout !== undefined ? { timeout: Number(values.timeout) } : {}),
    ...(values.overlap !== undefined ? { allowOverlap: values.overlap === 'on' } : {}),
    ...(values.enabled !== undefined ? { enabled: values.enabled } : {}),
  });
  if (values.timeout !== undefined && !/^\d+$/.test(String(values.timeout))) throw new CliError(`--timeout: "${values.timeout}" is not a number of seconds`, 2);
  if (sub === 'list' && !name) {
    const answer = await api.json<{ jobs: JobView[] }>('GET', base + q);
    if (values.json) return io.stdout(JSON.stringify(answer));
    io.stdout(answer.jobs.map((j) => `${j.name}\t${j.schedule} (${j.timeZone})\t${j.command}\t${j.enabled ? `next ${j.nextRun ?? '—'}` : 'disabled'}\t${j.lastRun ? `last ${describeRun(j.lastRun)}` : 'never ran'}`).join('\n') || 'No jobs.');
  } else if (sub === 'add' && name) {
    const answer = await api.json<{ job: JobView }>('POST', base + q, { name, ...fields() });
    const { job } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `Added job ${job.name}: ${job.command}, ${job.schedule} (${job.timeZone}); next run ${job.nextRun ?? '—'}`);
  } else if (sub === 'set' && name) {
    const answer = await api.json<{ job: JobView }>('PATCH', `${base}/${enc(name)}${q}`, fields());
    const { job } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `Job ${job.name}: ${job.command}, ${job.schedule} (${job.timeZone}), ${job.enabled ? `next run ${job.nextRun ?? '—'}` : 'disabled'}`);
  } else if (sub === 'remove' && name) {
    const answer = await api.json('DELETE', `${base}/${enc(name)}${q}`);
    io.stdout(values.json ? JSON.stringify(answer) : `Removed job ${name}.`);
  } else if (sub === 'runs' && name) {
    const answer = await api.json<{ runs: RunView[] }>('GET', `${base}/${enc(name)}/runs${q}`);
    io.stdout(values.json ? JSON.stringify(answer) : answer.runs.map((r) => `${describeRun(r)}\t${r.trigger}\t${r.startedAt}`).join('\n') || 'No runs yet.');
  } else if (sub === 'run' && name) {
    let { run } = await api.json<{ run: RunView }>('POST', `${base}/${enc(name)}/run${q}`);
    while (run.status === 'running') {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const { runs } = await api.json<{ runs: RunView[] }>('GET', `${base}/${enc(name)}/runs${q}`);
      run = runs.find((r) => r.id === run.id) ?? { ...run, status: 'gone' };
    }
    // As the run route answers it, with the run's end; a failed run still fails.
    if (values.json) io.stdout(JSON.stringify({ run }));
    else if (run.output) io.stdout(run.output);
    if (run.status !== 'succeeded') throw new CliError(`run ${describeRun(run)}`, run.exitCode && run.exitCode <= 255 ? run.exitCode : 1);
    if (!values.json) io.stdout(`Run ${describeRun(run)}`);
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const jobCommands = { jobs };
