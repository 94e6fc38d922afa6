// Release flows on a real Swarm, through the CLI and the API as a user drives them: promote runs
// the image staging serves in production (the same image id, production's variables, no build);
// `spur run` streams a one-off command's output from the serving image and exits with its code;
// scheduled jobs run on their schedule, keep their runs, skip an overlapping run, stop at their
// timeout, and a failing one raises an alert. One build serves every part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, eventually, probe, startGitStack, stopAll, uniqueName } from './harness.js';
import { expectReadmeWalked } from './readme.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('flows');
const staging = ['--env', 'staging'];

/** What the jobs and one-off commands run: `say W`, `exit N`, `sleep S`, `env NAME`, `fetch URL`.
 *  A variable's value is masked in the output: they say it in capitals to show it arrived. */
const TASKS = `
const [what, arg] = process.argv.slice(2);
if (what === 'say') console.log(arg + ' with ' + process.env.GREETING.toUpperCase() + ' from deployment ' + process.env.SPUR_DEPLOYMENT_ID);
if (what === 'exit') { console.log('about to fail'); console.error('failing with ' + arg); process.exit(Number(arg)); }
if (what === 'sleep') setTimeout(() => console.log('woke'), Number(arg) * 1000);
if (what === 'env') console.log(arg + '=' + process.env[arg]);
if (what === 'fetch') fetch(arg).then((r) => r.text()).then((t) => console.log('it says: ' + t.trim()));
`;

/** The README's examples: a migration and a nightly report. */
const MIGRATE = `console.log('migrations applied against ' + process.env.GREETING.toUpperCase());`;
const REPORT = `console.log('report sent for ' + process.env.GREETING.toUpperCase());`;

function appFiles(version: string): Record<string, string> {
  const app = helloAppFiles(version);
  return { ...app, 'tasks.js': TASKS, 'migrate.js': MIGRATE, 'report.js': REPORT, Dockerfile: app.Dockerfile.replace('COPY server.js /app/server.js', 'COPY server.js tasks.js migrate.js report.js /app/') };
}

/** The CLI lines run, as the README writes them (its project is "shop"; an argument with spaces
 *  or globs in double quotes). */
const walked: string[] = [];
const quoted = (a: string) => (/[\s*$]/.test(a) ? `"${a}"` : a);
function user(args: string[]) {
  walked.push(['spur', ...args].map(quoted).join(' ').replaceAll(project, 'shop'));
  return cli(spur, args);
}

const call = () => api(spur, token);
const servicePath = `/projects/${project}/services/web`;


/** The image id (sha256) each running task of an instance runs. */
async function runningImageIds(environment: string): Promise<string[]> {
  const ids = (await docker('ps', '--filter', `label=com.docker.swarm.service.name=spur_${project}_web_${environment}`, '--format', '{{.ID}}')).split('\n').filter(Boolean);
  return Promise.all(ids.map((id) => docker('inspect', '--format', '{{.Image}}', id)));
}

type Run = { id: number; status: string; exitCode: number | null; reason: string | null; trigger: string; output: string };
const runsOf = async (job: string): Promise<Run[]> => (await call()('GET', `${servicePath}/jobs/${job}/runs?env=staging`)).json.runs;

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack({ env: { SPUR_ALERT_EVERY: '3' } }));
  const repo = createRepo(git, `${project}.git`);
  repo.commit(appFiles('v1'), 'v1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['project', 'env', project, 'staging'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=hi-staging', 'API_TOKEN=tok-staging-1234567890', ...staging])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=hi-production'])).code).toBe(0);
  for (const env of ['staging', 'production']) expect((await cli(spur, ['settings', project, 'web', '--health', 'http', '--health-path', '/health', '--health-interval', '1', '--health-start-period', '2', '--env', env])).code).toBe(0);
  const deployed = await cli(spur, ['deploy', project, 'web', ...staging]);
  expect(deployed.code, deployed.stderr).toBe(0);
  // First: its minute comes while the rest runs; the last test reads its run.
  const tick = await cli(spur, ['jobs', 'add', project, 'web', 'tick', '--schedule', '* * * * *', '--command', 'node tasks.js say tick', ...staging]);
  expect(tick.code, tick.stderr).toBe(0);
  expect(tick.stdout).toMatch(/^Added job tick: node tasks\.js say tick, \* \* \* \* \* \(UTC\); next run \d{4}-/);
}, 600_000);

afterAll(() => stopAll({ spur, git }, [project]));

describe('promote', () => {
  it('refuses bad input in one line, changing nothing', async () => {
    const same = await cli(spur, ['promote', project, 'web', '--from', 'production', '--to', 'production']);
    expect(same.code).toBe(1);
    expect(same.stderr.trim()).toBe('spur: from: promote from another environment than production, the one it goes to (HTTP 400)');
    const nothing = await cli(spur, ['promote', project, 'web', '--from', 'production', '--to', 'staging']);
    expect(nothing.stderr.trim()).toBe('spur: nothing serves web in production to promote (HTTP 409)');
    const unknown = await cli(spur, ['promote', project, 'web', '--from', 'qa', '--to', 'production']);
    expect(unknown.stderr.trim()).toMatch(/^spur: environment qa .*\(HTTP 404\)$/);
    const badName = await call()('POST', `${servicePath}/promote`, { from: '../staging' });
    expect(badName.status).toBe(400);
    expect((await call()('GET', `${servicePath}/deployments`)).json.deployments).toEqual([]);
  });

  it("runs the image staging serves in production: the same image id, production's variables, no build", async () => {
    const servingStaging = (await call()('GET', `${servicePath}/deployments?env=staging`)).json.deployments.find((d: { status: string }) => d.status === 'active');
    const promoted = await user(['promote', project, 'web', '--from', 'staging', '--to', 'production']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain("Running with production's own variables");
    expect(promoted.stdout).toContain(`Promoting the image deployment ${servingStaging.id} served (${servingStaging.imageTag}); no build needed`);
    expect(promoted.stdout).not.toMatch(/Building|Cloning|Fetching/);
    const [production] = (await call()('GET', `${servicePath}/deployments`)).json.deployments;
    expect(production).toMatchObject({ status: 'active', promotedFrom: servingStaging.id, imageTag: servingStaging.imageTag, commitSha: servingStaging.commitSha });
    const [stagingIds, productionIds] = [await runningImageIds('staging'), await runningImageIds('production')];
    expect(productionIds.length).toBeGreaterThan(0);
    expect(new Set([...stagingIds, ...productionIds]).size).toBe(1);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body.trim()).toBe('hi-production from v1');
    expect((await probe(`spur_${project}_staging`, 'http://web:3000/')).body.trim()).toBe('hi-staging from v1');
  });

  it('has walked the README\'s "Promote"', () => expectReadmeWalked('Promote', walked));
});

describe('spur run', () => {
  it('runs the README\'s migration: its output, as it comes', async () => {
    const migrated = await user(['run', project, 'web', '--env', 'staging', '--', 'node', 'migrate.js']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toBe('migrations applied against HI-STAGING\n');
    expectReadmeWalked('One-off commands', walked);
  });

  it("streams a one-off command's output from the serving image, with its variables (secrets masked) and its network", async () => {
    const said = await cli(spur, ['run', project, 'web', ...staging, '--', 'node', 'tasks.js', 'say', 'hello']);
    expect(said.code, said.stderr).toBe(0);
    expect(said.stdout).toMatch(/^hello with HI-STAGING from deployment \d+\n$/);
    const secret = await cli(spur, ['run', project, 'web', ...staging, '--', 'node', 'tasks.js', 'env', 'API_TOKEN']);
    expect(secret.stdout.trim()).toBe('API_TOKEN=••••••');
    const fetched = await cli(spur, ['run', project, 'web', ...staging, '--', 'node', 'tasks.js', 'fetch', 'http://web:3000/health']);
    expect(fetched.stdout.trim()).toBe('it says: ok');
  });

  it("exits with the command's exit code, its stderr on stderr, and leaves no container", async () => {
    const failed = await cli(spur, ['run', project, 'web', ...staging, '--', 'node', 'tasks.js', 'exit', '7']);
    expect(failed.code).toBe(7);
    expect(failed.stdout).toBe('about to fail\n');
    expect(failed.stderr).toBe('failing with 7\nspur: the command exited with 7\n');
    // Once seen (1 run in 7) a moment after the exit: Docker still finishing the removal.
    await eventually('no one-off container', async () => ((await docker('ps', '-a', '--filter', 'label=spur.one-off', '--filter', `label=spur.project=${project}`, '-q')) === '' ? true : undefined), 10_000);
  });

  it('passes the words as they are, never through a shell, and refuses a command that is not words', async () => {
    const literal = await cli(spur, ['run', project, 'web', ...staging, '--', 'node', 'tasks.js', 'say', '$(touch /tmp/pwned); echo hi']);
    expect(literal.stdout).toMatch(/^\$\(touch \/tmp\/pwned\); echo hi with HI-STAGING/);
    for (const command of ['node tasks.js && echo hi', [], [''], ['x'.repeat(5000)], Array(101).fill('a')]) {
      const refused = await call()('POST', `${servicePath}/run?env=staging`, { command });
      expect(refused.status, JSON.stringify(command).slice(0, 40)).toBe(400);
    }
    const none = await cli(spur, ['run', project, 'web', '--env', 'staging']);
    expect(none.code).toBe(2);
  });

  it('stops the command when the caller goes away', async () => {
    const controller = new AbortController();
    const res = await fetch(`${spur.url}/api/v1${servicePath}/run?env=staging`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: ['node', 'tasks.js', 'sleep', '120'] }), signal: controller.signal });
    expect(res.status).toBe(200);
    await eventually('the run container', async () => ((await docker('ps', '--filter', 'label=spur.one-off=run', '--filter', `label=spur.project=${project}`, '-q')) ? true : undefined), 30_000);
    controller.abort();
    await eventually('the run container gone', async () => ((await docker('ps', '-a', '--filter', 'label=spur.one-off=run', '--filter', `label=spur.project=${project}`, '-q')) === '' ? true : undefined), 30_000);
  });
});

describe('scheduled jobs', () => {
  it('refuses a bad schedule, time zone or command in one line, adding nothing', async () => {
    const cases: [string[], string][] = [
      [['--schedule', '* * *', '--command', 'node tasks.js'], 'schedule: use five fields'],
      [['--schedule', '0 3 * * *', '--time-zone', 'Mars/Olympus', '--command', 'node tasks.js'], 'time zone: Mars/Olympus is not a time zone'],
      [['--schedule', '0 3 * * *', '--command', 'node tasks.js && rm -rf /'], 'command: uses shell syntax'],
    ];
    for (const [flags, words] of cases) {
      const refused = await cli(spur, ['jobs', 'add', project, 'web', 'bad', ...flags, ...staging]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain(words);
    }
    expect((await cli(spur, ['jobs', 'list', project, 'web', ...staging])).stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['tick']);
  });

  it("walks the README's nightly job: added in a time zone, run now, its runs listed", async () => {
    const added = await user(['jobs', 'add', project, 'web', 'nightly', '--schedule', '0 3 * * *', '--time-zone', 'Europe/Berlin', '--command', 'node report.js', ...staging]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Added job nightly: node report\.js, 0 3 \* \* \* \(Europe\/Berlin\); next run \d{4}-\d\d-\d\dT0[12]:00:00\.000Z\n$/);
    const ran = await user(['jobs', 'run', project, 'web', 'nightly', ...staging]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^report sent for HI-STAGING\nRun #\d+ succeeded \(exit 0\)\n$/);
    const runs = await user(['jobs', 'runs', project, 'web', 'nightly', ...staging]);
    expect(runs.stdout).toMatch(/^#\d+ succeeded \(exit 0\)\tmanual:owner@example\.com\t\d{4}-/);
    expectReadmeWalked('Scheduled jobs', walked);
  });

  it('runs a failing job now: its output and exit code are kept, and it raises an alert', async () => {
    expect((await cli(spur, ['jobs', 'add', project, 'web', 'report', '--schedule', '0 3 * * *', '--command', 'node tasks.js exit 3', ...staging])).code).toBe(0);
    const ran = await cli(spur, ['jobs', 'run', project, 'web', 'report', ...staging]);
    expect(ran.code).toBe(3);
    expect(ran.stdout).toBe('about to fail\n! failing with 3\n');
    expect(ran.stderr).toMatch(/^spur: run #\d+ failed \(exit 3\): exited with 3\n$/);
    const [run] = await runsOf('report');
    expect(run).toMatchObject({ status: 'failed', exitCode: 3, trigger: 'manual:owner@example.com', output: 'about to fail\n! failing with 3' });
    const alert = await eventually('the job alert', async () => (await call()('GET', `/projects/${project}/alerts`)).json.open.find((a: { title: string; state: string }) => a.title.startsWith('Job report of web') && a.state === 'firing'), 60_000);
    expect(alert.title).toBe(`Job report of web (${project}, staging): run #${run!.id} failed`);
  });

  it('skips a run while the one before still runs, and stops a run at its timeout', async () => {
    expect((await cli(spur, ['jobs', 'add', project, 'web', 'slow', '--schedule', '0 4 * * *', '--command', 'node tasks.js sleep 60', '--timeout', '5', ...staging])).code).toBe(0);
    const both = await Promise.all([1, 2].map(() => call()('POST', `${servicePath}/jobs/slow/run?env=staging`)));
    expect(both.map((r) => r.status)).toEqual([202, 202]);
    const statuses = both.map((r) => r.json.run.status).sort();
    expect(statuses).toEqual(['running', 'skipped']);
    const [first, second] = both.map((r) => r.json.run).sort((a, b) => a.id - b.id);
    const skipped = [first, second].find((r) => r.status === 'skipped');
    expect(skipped.reason).toMatch(/^run #\d+ was still running$/);
    const ended = await eventually('the timed-out run', async () => (await runsOf('slow')).find((r) => r.status === 'timed-out'), 60_000);
    expect(ended.reason).toBe('ran longer than 5 s and was stopped');
    // Its container is gone once the run is recorded. Only its own are looked at: the scheduled
    // job beside it (tick, every minute) may have one running now.
    const left = (await docker('ps', '-a', '--filter', 'label=spur.one-off=job', '--filter', `label=spur.project=${project}`, '--format', '{{.Names}}')).split('\n');
    expect(left.filter((n) => n.endsWith(`-job-${first.id}`) || n.endsWith(`-job-${second.id}`))).toEqual([]);
  });

  it('runs on its schedule, with the variables of the version that serves', async () => {
    const run = await eventually('the scheduled run of tick', async () => (await runsOf('tick')).find((r) => r.trigger === 'schedule' && r.status !== 'running'), 120_000);
    expect(run).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(run.output).toMatch(/^tick with HI-STAGING from deployment \d+$/);
    const list = await cli(spur, ['jobs', 'list', project, 'web', ...staging]);
    // A minute may turn between the run above and this listing: the next scheduled run may be the last one by then.
    expect(list.stdout).toMatch(/^tick\t\* \* \* \* \* \(UTC\)\tnode tasks\.js say tick\tnext \d{4}-.*\tlast #\d+ (succeeded \(exit 0\)|running)$/m);
  }, 180_000);
});
