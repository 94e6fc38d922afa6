// The pre-deploy command: run once from the new image with the service's variables and network
// before the rollout, its output in the deployment log (secrets masked); a failing one stops the
// rollout while the running version keeps serving every request; shell syntax is refused when
// the command is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, cli, docker, probe, startGitStack, startLoadProbe, stopAll, uniqueName } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let repo: ReturnType<typeof createRepo>;
const project = uniqueName('release');
const network = `spur_${project}_production`;

/** A migration script: says what it sees, asks the running version over the project network,
 *  and exits with its EXIT_WITH marker. */
const migrate = (exitWith: number) => `
const seen = 'migrating ' + process.env.GREETING + ' with ' + process.env.API_TOKEN + ' as deployment ' + process.env.SPUR_DEPLOYMENT_ID;
console.log(seen);
fetch('http://web:3000/').then((r) => r.text(), (e) => 'nothing serves yet').then((body) => {
  console.log('the running version says: ' + body.trim());
  if (${exitWith}) console.error('migration 7 failed: column exists');
  process.exit(${exitWith});
});
`;

/** The hello app with a migration script copied into its image. */
function appFiles(version: string, exitWith: number): Record<string, string> {
  const app = helloAppFiles(version);
  return { ...app, 'migrate.js': migrate(exitWith), Dockerfile: app.Dockerfile.replace('COPY server.js /app/server.js', 'COPY server.js migrate.js /app/') };
}

beforeAll(async () => {
  ({ git, spur } = await startGitStack());
  repo = createRepo(git, `${project}.git`);
  repo.commit(appFiles('v1', 0), 'v1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['settings', project, 'web', '--health', 'http', '--health-path', '/health', '--health-interval', '1', '--health-start-period', '2'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=hi', 'API_TOKEN=tok-1234567890'])).code).toBe(0);
});

afterAll(() => stopAll({ spur, git }, [project]));

describe('the pre-deploy command', () => {
  it('refuses a command that needs a shell, saving nothing', async () => {
    const refused = await cli(spur, ['settings', project, 'web', '--release-command', 'node migrate.js && rm -rf /']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('pre-deploy command: uses shell syntax (pipes, &&, ;, redirections, globs, or variables other than $PORT); Spur runs it without a shell: write the plain command, or put the steps in a script and run that');
    expect(JSON.parse((await cli(spur, ['settings', project, 'web', '--json'])).stdout).settings.releaseCommand).toBeNull();
  });

  it('runs once from the new image before the rollout, with the variables and the network, its output in the log with secrets masked', async () => {
    expect((await cli(spur, ['settings', project, 'web', '--release-command', 'node migrate.js'])).code).toBe(0);
    const deployed = await cli(spur, ['deploy', project, 'web']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const lines = deployed.stdout.split('\n');
    const ran = lines.findIndex((l) => l === 'Running the pre-deploy command: node migrate.js');
    expect(ran).toBeGreaterThan(0);
    expect(lines[ran + 1]).toMatch(/^ {2}migrating hi with •••••• as deployment \d+$/);
    expect(lines[ran + 2]).toBe('  the running version says: nothing serves yet');
    expect(lines[ran + 3]).toMatch(/^The pre-deploy command succeeded in \d+\.\d s$/);
    expect(lines.slice(ran).some((l) => l.startsWith('Creating Swarm service'))).toBe(true);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hi from v1');
  });

  it('stops the rollout when it fails: the running version keeps serving every request, and no container is left', async () => {
    repo.commit(appFiles('v2', 3), 'v2 with a failing migration');
    const load = await startLoadProbe(network, 'http://web:3000/quiet');
    const deployed = await cli(spur, ['deploy', project, 'web']);
    const seen = await load.stop();
    expect(deployed.code).toBe(1);
    expect(deployed.stdout).toContain('  the running version says: hi from v1');
    expect(deployed.stdout).toContain('  migration 7 failed: column exists');
    expect(deployed.stderr).toContain('the pre-deploy command exited with 3; the rollout did not start and the previous version keeps serving');
    expect(seen.failed, JSON.stringify(seen.errors)).toBe(0);
    expect(seen.ok).toBeGreaterThan(10);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hi from v1');
    expect(await docker('ps', '-a', '--filter', 'label=spur.release', '--filter', `label=spur.project=${project}`, '-q')).toBe('');
  });
});
