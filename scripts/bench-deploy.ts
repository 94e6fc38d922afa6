// npm run bench:deploy — time from a deploy request to `active` after a one-file change, phase by
// phase (the deployment log's timings line), beside the floor: the bare Docker operations for the
// same change (`docker build` with its cache, then a start-first `docker service update` until the
// new task runs), and the failed requests a load probe sees during Spur's deploys. The app is what
// most apps are: `CMD ["node", ...]` with no SIGTERM handler.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createRepo, helloAppFiles, startGitServer } from '../test/fixtures/git-server.js';
import { api, cleanupProject, loginCli, startLoadProbe, startSpur } from '../test/harness.js';
import { eventsIn, readEvents } from '../test/sse-events.js';
import { readTimings } from '../src/deploy/phase-clock.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const project = 'benchdeploy';
const network = `spur_${project}_production`;
const bare = 'spur-bench-bare';
const docker = new Docker();
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const appFiles = (version: string) => helloAppFiles(version, { ignoresSigterm: true });

/** Updates the bare service to `image` and waits until a task of it runs. */
async function bareUpdate(image: string): Promise<void> {
  const service = docker.getService(bare);
  const info = await service.inspect();
  const spec = { ...info.Spec, TaskTemplate: { ...info.Spec.TaskTemplate, ContainerSpec: { ...info.Spec.TaskTemplate.ContainerSpec, Image: image } } };
  await service.update({ version: info.Version.Index, ...spec });
  for (;;) {
    const tasks = await docker.listTasks({ filters: { service: [bare], 'desired-state': ['running'] } });
    if (tasks.some((t) => t.Spec?.ContainerSpec?.Image === image && t.Status?.State === 'running')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  await cleanupProject(project);
  try { sh('docker', ['service', 'rm', bare]); } catch {}
  const git = await startGitServer();
  const spur = await startSpur({ env: git.spurEnv });
  const token = await loginCli(spur);
  const call = api(spur, token);
  const repo = createRepo(git, `${project}.git`);
  const timingsOf = async (id: number) => {
    const res = await fetch(`${spur.url}/api/v1/deployments/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
    const events = eventsIn(await readEvents(res).finished);
    const line = events.filter(([name]) => name === 'line').map(([, data]) => (JSON.parse(data) as { line: string }).line).find((l) => readTimings(l));
    return readTimings(line ?? '') ?? {};
  };
  const waitActive = async (id: number) => {
    for (;;) {
      const { deployment } = (await call('GET', `/deployments/${id}`)).json;
      if (deployment.status === 'active') return;
      if (['failed', 'cancelled'].includes(deployment.status)) throw new Error(`deployment ${id} ${deployment.status}: ${deployment.failureReason}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const deploy = async () => {
    const id = (await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id as number;
    await waitActive(id);
    return id;
  };

  try {
    console.log('first deploy (cold)');
    repo.commit(appFiles('v0'), 'v0');
    await call('POST', '/projects', { name: project });
    await call('POST', `/projects/${project}/services`, { name: 'web', git: repo.url, port: 3000 });
    await deploy();

    // The floor: the same app and image cache on the same network, updated start-first, with no
    // health check and no watch: done when the new task runs.
    const dir = mkdtempSync(join(tmpdir(), 'spur-bench-bare-'));
    const write = (version: string) => Object.entries(appFiles(version)).forEach(([f, c]) => writeFileSync(join(dir, f), c));
    write('b0');
    sh('docker', ['build', '-q', '-t', `${bare}:0`, dir]);
    sh('docker', ['service', 'create', '-q', '--name', bare, '--network', network, '--endpoint-mode', 'dnsrr', '--env', 'PORT=3000', '--update-order', 'start-first', `${bare}:0`]);

    const spurMs: number[] = [];
    const bareMs: number[] = [];
    const phases: Record<string, number[]> = {};
    let failed = 0;
    let ok = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      repo.commit(appFiles(`v${round}`), `change ${round}`);
      const probe = await startLoadProbe(network, 'http://web:3000/quiet');
      await new Promise((r) => setTimeout(r, 500));
      let t = Date.now();
      const id = await deploy();
      spurMs.push(Date.now() - t);
      // The old task's stop (up to its grace period) is after `active`; the probe watches it too.
      await new Promise((r) => setTimeout(r, 11_000));
      const load = await probe.stop();
      failed += load.failed;
      ok += load.ok;
      for (const [phase, ms] of Object.entries(await timingsOf(id))) (phases[phase] ??= []).push(ms);

      write(`b${round}`);
      t = Date.now();
      sh('docker', ['build', '-q', '-t', `${bare}:${round}`, dir]);
      await bareUpdate(`${bare}:${round}`);
      bareMs.push(Date.now() - t);
      console.log(`round ${round}: spur ${seconds(spurMs.at(-1)!)} s, floor ${seconds(bareMs.at(-1)!)} s, probe ${load.ok} ok / ${load.failed} failed`);
      await new Promise((r) => setTimeout(r, 11_000));
    }
    console.log(`\nredeploy after a one-file change (median of ${ROUNDS}), Docker ${sh('docker', ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])}:`);
    console.log(`  spur, request → active                                  ${seconds(median(spurMs))} s`);
    for (const [phase, ms] of Object.entries(phases)) console.log(`    ${phase.padEnd(52)} ${seconds(median(ms))} s`);
    console.log(`  floor: docker build (cached) + start-first update to running  ${seconds(median(bareMs))} s`);
    console.log(`  ratio                                                    ${(median(spurMs) / median(bareMs)).toFixed(2)}x`);
    console.log(`  load probe during spur deploys: ${ok} requests, ${failed} failed`);
  } finally {
    try { sh('docker', ['service', 'rm', bare]); } catch {}
    await spur.stop();
    await git.close();
    await cleanupProject(project);
    sh('bash', ['-c', `docker image ls -q ${bare} | xargs -r docker image rm -f >/dev/null`]);
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
