// Deploys that never take a service down: a load probe on the service's network counts failed
// requests during each change, and checks which version answers at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, cli, docker, probe, startGitStack, startLoadProbe, startSpur, stopAll, uniqueName } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let repo: ReturnType<typeof createRepo>;
const project = uniqueName('zd');
const network = `spur_${project}_production`;
const url = 'http://web:3000/quiet';

beforeAll(async () => {
  ({ git, spur } = await startGitStack());
  repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'v1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  // An HTTP health check with short timings, so a version that never becomes healthy is given up quickly.
  const settings = await cli(spur, ['settings', project, 'web', '--health', 'http', '--health-path', '/health', '--health-interval', '1', '--health-timeout', '2', '--health-retries', '2', '--health-start-period', '4']);
  expect(settings.code, settings.stderr).toBe(0);
  const first = await cli(spur, ['deploy', project, 'web']);
  expect(first.code, first.stderr).toBe(0);
});

afterAll(() => stopAll({ spur, git }, [project]));

async function deployUnderLoad(version: string, files: Record<string, string>, message: string) {
  repo.commit(files, message);
  const probe = await startLoadProbe(network, url);
  await new Promise((r) => setTimeout(r, 1000));
  const result = await cli(spur, ['deploy', project, 'web']);
  await new Promise((r) => setTimeout(r, 2000));
  return { result, load: await probe.stop() };
}

describe('zero-downtime deploys', () => {
  it('switches to a new healthy version with no failed request', async () => {
    const { result, load } = await deployUnderLoad('v2', helloAppFiles('v2'), 'v2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('health check: HTTP GET /health on port 3000');
    // Where the seconds went, phase by phase.
    expect(result.stdout).toMatch(/^Timings: queue \d+\.\d\d s · fetch \d+\.\d\d s · context .* · build .* · spec .* · update .* · start .* · first probe .* · monitor \d+\.\d\d s · records \d+\.\d\d s \(within those\) · total \d+\.\d\d s$/m);
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(load.ok).toBeGreaterThan(50);
    expect(Object.keys(load.bodies).sort()).toEqual(['hello from v1', 'hello from v2']);
    expect(load.last).toBe('hello from v2');
  });

  it('keeps the old version serving when the new one crashes at start, and says why', async () => {
    const { result, load } = await deployUnderLoad('v3', helloAppFiles('v3', { crash: true }), 'v3 crashes');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Your app exited with code 3 right after starting: .*v3 cannot start: missing configuration\. #\d+ keeps serving\./);
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(Object.keys(load.bodies)).toEqual(['hello from v2']);
    // Status tells what serves apart from the attempt that failed.
    const status = (await cli(spur, ['status', project, 'web'])).stdout;
    expect(status).toMatch(/Serving:\s+#\d+ active \([0-9a-f]{7} v2\)/);
    expect(status).toMatch(/Latest attempt: #\d+ failed \([0-9a-f]{7} v3 crashes\) — Your app exited with code 3/);
  });

  it('keeps the old version serving when the new one never becomes healthy', async () => {
    const { result, load } = await deployUnderLoad('v4', helloAppFiles('v4', { unhealthy: true }), 'v4 unhealthy');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed its health check: GET \/health answered 500.*#\d+ keeps serving\./);
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(Object.keys(load.bodies)).toEqual(['hello from v2']);
    const spec = JSON.parse(await docker('service', 'inspect', `spur_${project}_web_production`))[0].Spec;
    expect(spec.TaskTemplate.ContainerSpec.Image).toMatch(new RegExp(`^spur/${project}/web:\\d+-`));
    expect(spec.Labels['spur.deployment']).not.toBe(JSON.parse((await cli(spur, ['deployments', project, 'web', '--json'])).stdout).deployments[0].id.toString());
  });

  it('rolls back to an earlier deployment without a rebuild, with no failed request', async () => {
    const list = JSON.parse((await cli(spur, ['deployments', project, 'web', '--json'])).stdout).deployments as { id: number; status: string; commitMessage: string }[];
    const v1 = list.find((d) => d.commitMessage === 'v1')!;
    expect(v1.status).toBe('superseded');
    const probe = await startLoadProbe(network, url);
    await new Promise((r) => setTimeout(r, 1000));
    const result = await cli(spur, ['rollback', project, 'web', String(v1.id)]);
    await new Promise((r) => setTimeout(r, 2000));
    const load = await probe.stop();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Rolling back to deployment ${v1.id}`);
    expect(result.stdout).not.toContain('Step 1/');
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(load.last).toBe('hello from v1');
    const after = JSON.parse((await cli(spur, ['deployments', project, 'web', '--json'])).stdout).deployments[0];
    expect(after).toMatchObject({ status: 'active', commitMessage: 'v1', rollbackOf: v1.id });
  });

  it('refuses to roll back to a deployment that never served', async () => {
    const list = JSON.parse((await cli(spur, ['deployments', project, 'web', '--json'])).stdout).deployments as { id: number; status: string }[];
    const failed = list.find((d) => d.status === 'failed')!;
    const result = await cli(spur, ['rollback', project, 'web', String(failed.id)]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`spur: deployment ${failed.id} never served this service; it cannot be rolled back to (HTTP 404)`);
  });

  it('notices within 10 s, with the default check, a task that stops answering, and replaces it', async () => {
    const created = await cli(spur, ['service', 'create', project, 'steady', '--git', repo.url]);
    expect(created.code, created.stderr).toBe(0);
    const deployed = await cli(spur, ['deploy', project, 'steady']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toContain('health check: TCP port 3000 (automatic)');
    const service = `spur_${project}_steady_production`;
    const runningTask = async () => (await docker('service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.ID}} {{.CurrentState}}')).split('\n').find((l) => l.includes(' Running '))?.split(' ')[0];
    const first = await runningTask();
    expect(first).toBeTruthy();
    // Checked by the probe that stays in the task, not by a process Docker starts every few seconds.
    await new Promise((r) => setTimeout(r, 3000));

    // From the moment the app stopped, by its own clock (the host's): the request is sent from a
    // container started for it, which takes a second or two on a busy machine.
    const stopped = (await probe(network, 'http://steady:3000/stop-answering', 1)).body;
    expect(stopped).toMatch(/^stopped answering at \d+\n$/);
    const stoppedAt = Number(/\d+/.exec(stopped)![0]);
    let noticedMs: number | undefined;
    while (Date.now() - stoppedAt < 20_000) {
      const desired = await docker('inspect', '--format', '{{.DesiredState}}', first!);
      if (desired !== 'running') {
        noticedMs = Date.now() - stoppedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(noticedMs, 'Swarm never stopped the task that stopped answering').toBeDefined();
    expect(noticedMs!).toBeLessThanOrEqual(10_000);
    const container = await docker('inspect', '--format', '{{.Status.ContainerStatus.ContainerID}}', first!);
    const checks = JSON.parse(await docker('inspect', '--format', '{{json .State.Health.Log}}', container)) as { ExitCode: number; Output: string }[];
    // The probe that stayed said so ("… (3 checks in a row failed)"); Docker started it again until
    // it counted 3 failed runs and Swarm stopped the task, each finding the same at once. Docker
    // keeps the last 5.
    const failed = checks.filter((c) => c.ExitCode === 1).map((c) => c.Output.trim());
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const output of failed) expect(output).toMatch(/^nothing accepts connections on port 3000( \(3 checks in a row failed\))?$/);

    const answer = await probe(network, 'http://steady:3000/', 40);
    expect(answer.body, answer.error).toMatch(/^hello from v\d\n$/);
    expect(await runningTask()).not.toBe(first);
  });

  it('keeps serving while Spur is stopped', async () => {
    const probe = await startLoadProbe(network, url);
    await new Promise((r) => setTimeout(r, 1000));
    await spur.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 4000));
    spur = await startSpur({ dataDir: spur.dataDir, env: git.spurEnv });
    await new Promise((r) => setTimeout(r, 1000));
    const load = await probe.stop();
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(load.ok).toBeGreaterThan(50);
    expect(load.last).toBe('hello from v1');
  });
});
