// Runs vitest and watches that it makes progress: usage `node scripts/vitest-watched.mjs
// <progress.jsonl> [vitest run arguments]`. Every suite, hook and test that starts or ends, and
// every file, appends a line to the progress file (scripts/test-progress-reporter.mjs). When no
// line comes for SPUR_TEST_STALL_S seconds (900: longer than the longest timeout any one test or
// hook is given, 600 s), vitest itself is stuck. This prints the files still running, the
// processes under vitest with what each waits on, and the JavaScript stack of each Node process
// among them that can still answer a signal; stops them all; writes the files that did not finish
// to <progress>.unfinished and exits 3. Otherwise it exits with vitest's status. The heartbeat is
// the whole run's: a file stuck beside others that still run is caught once they have finished.
// A stopped vitest never reports the errors it caught outside any test (it reports them at the end
// of a run), so those of a stalled run are lost; its test failures are kept.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProgress } from './test-progress-reporter.mjs';

const STALLED = 3;
const here = dirname(fileURLToPath(import.meta.url));
const [progress, ...args] = process.argv.slice(2);
const stallSeconds = Number(process.env.SPUR_TEST_STALL_S);
const stallMs = (Number.isFinite(stallSeconds) && stallSeconds > 0 ? stallSeconds : 900) * 1000;
if (process.env.SPUR_TEST_STALL_S && stallMs !== stallSeconds * 1000) console.error(`[test] SPUR_TEST_STALL_S=${process.env.SPUR_TEST_STALL_S} is not a number of seconds; using ${stallMs / 1000}`);
const reports = `${progress}.reports`;
mkdirSync(reports, { recursive: true });

// Node processes under vitest write a diagnostic report (with their JavaScript stack) on SIGUSR2:
// vitest and its workers only, not what the tests start.
const report = ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${reports}`];
writeFileSync(progress, '');
const vitest = spawn(
  process.execPath,
  [...report, join(here, '..', 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args, '--reporter=default', `--reporter=${join(here, 'test-progress-reporter.mjs')}`, ...report.map((flag) => `--poolOptions.forks.execArgv=${flag}`)],
  { stdio: 'inherit', detached: true, env: { ...process.env, SPUR_TEST_PROGRESS: progress } },
);
let interrupted = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A second signal, or ten seconds without vitest stopping, ends it for good.
    if (interrupted) killGroup('SIGKILL');
    interrupted = signal;
    killGroup('SIGTERM');
    setTimeout(() => {
      killGroup('SIGKILL');
      process.exit(130);
    }, 10_000).unref();
  });
}

let stopping = false;
let lastProgress = performance.now();
let lastSize = -1;
const watch = setInterval(() => {
  const size = existsSync(progress) ? statSync(progress).size : 0;
  if (size !== lastSize) {
    lastSize = size;
    lastProgress = performance.now();
  } else if (performance.now() - lastProgress > stallMs) {
    clearInterval(watch);
    stopping = true;
    stop()
      .catch((err) => console.error(`[test] stopping the stuck vitest: ${err}`))
      .finally(() => {
        killGroup('SIGKILL');
        process.exit(interrupted ? 130 : STALLED);
      });
  }
}, Math.min(5_000, stallMs / 3));

vitest.on('exit', (code, signal) => {
  if (stopping) return;
  clearInterval(watch);
  // Interrupted (Ctrl-C): say so, so that scripts/test.sh stops rather than go on to the next tier.
  if (interrupted) process.exit(130);
  process.exit(code ?? (signal ? 1 : 0));
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function killGroup(signal) {
  try {
    process.kill(-vitest.pid, signal);
  } catch {}
}

const events = () => readProgress(progress);

/** Every process under vitest, by walking ps's parent links down from it. */
function descendants() {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,etimes=,stat=,wchan:24=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, ppid, etimes, stat, wchan, ...rest] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), seconds: Number(etimes), state: `${stat} ${wchan}`, args: rest.join(' ') };
    });
  const found = [];
  const walk = (pid) => rows.filter((r) => r.ppid === pid).forEach((r) => (found.push(r), walk(r.pid)));
  walk(vitest.pid);
  return found;
}

async function stop() {
  const seen = events();
  const queued = seen.find((e) => e.run)?.run ?? [];
  const ended = new Set(seen.filter((e) => e.end).map((e) => e.end));
  const started = new Map(seen.filter((e) => e.start).map((e) => [e.start, e.at]));
  const running = [...started].filter(([file]) => !ended.has(file));
  const unfinished = queued.filter((file) => !ended.has(file));
  const stalled = `nothing started or finished for ${Math.round(stallMs / 1000)} s; still running: ${running.map(([file, at]) => `${relative(process.cwd(), file)} (started ${Math.round((Date.now() - at) / 1000)} s ago)`).join(', ') || 'none'}; ${unfinished.length} file(s) unfinished`;
  console.error(`\n[test] vitest is stuck: ${stalled}`);
  writeFileSync(`${progress}.stalled`, `${stalled}\n`);
  writeFileSync(`${progress}.unfinished`, unfinished.map((file) => `${file}\n`).join(''));
  const processes = descendants();
  console.error('[test] processes under vitest:');
  for (const p of processes) console.error(`  ${p.pid} (parent ${p.ppid}, ${p.seconds} s, ${p.state}) ${p.args.slice(0, 200)}`);
  for (const p of [{ pid: vitest.pid, args: 'node_modules/vitest/vitest.mjs' }, ...processes].filter((p) => /node_modules\/vitest\/vitest\.mjs|tinypool\/dist\/entry\/process\.js|^node \(vitest \d+\)$/.test(p.args))) {
    try {
      process.kill(p.pid, 'SIGUSR2');
    } catch {}
  }
  await sleep(3_000);
  for (const name of readdirSync(reports).filter((n) => n.endsWith('.json'))) {
    try {
      const report = JSON.parse(readFileSync(join(reports, name), 'utf8'));
      console.error(`[test] JavaScript stack of ${report.header.processId} (${report.header.commandLine.join(' ').slice(0, 160)}):`);
      console.error(`  ${report.javascriptStack.message}\n  ${report.javascriptStack.stack.slice(0, 15).join('\n  ')}`);
    } catch {}
  }
  killGroup('SIGTERM');
  for (let waited = 0; vitest.exitCode === null && vitest.signalCode === null && waited < 10_000; waited += 250) await sleep(250);
  // What the tests started (Spur servers) gets a moment to stop on the SIGTERM too.
  await sleep(2_000);
  killGroup('SIGKILL');
  for (const p of processes) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {}
  }
  for (let waited = 0; processes.some((p) => alive(p.pid)) && waited < 5_000; waited += 100) await sleep(100);
}

function alive(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
}
