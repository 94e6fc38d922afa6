// npm run bench:deploy — time from a deploy request to `active` after a one-file change, beside
// the bare Docker operations for the same change (docker build with its cache + docker service
// update to healthy, same health check and update policy), and the failed requests a load probe
// sees during Spur's deploys.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepo, helloAppFiles, startGitServer } from '../test/fixtures/git-server.js';
import { api, cleanupProject, loginCli, startLoadProbe, startSpur } from '../test/harness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const project = 'benchdeploy';
const network = `spur_${project}_production`;
const bare = 'spur-bench-bare';
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  await cleanupProject(project);
  try { sh('docker', ['service', 'rm', bare]); } catch {}
  const git = await startGitServer();
  const spur = await startSpur({ env: git.spurEnv });
  const call = api(spur, await loginCli(spur));
  const repo = createRepo(git, `${project}.git`);
  const waitActive = async (id: number) => {
    for (;;) {
      const { deployment } = (await call('GET', `/deployments/${id}`)).json;
      if (deployment.status === 'active') return;
      if (['failed', 'cancelled'].includes(deployment.status)) throw new Error(`deployment ${id} ${deployment.status}: ${deployment.failureReason}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const deploy = async () => waitActive((await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id);

  try {
    console.log('first deploy (cold)');
    repo.commit(helloAppFiles('v0'), 'v0');
    await call('POST', '/projects', { name: project });
    await call('POST', `/projects/${project}/services`, { name: 'web', git: repo.url, port: 3000 });
    await deploy();

    // The bare equivalent: the same app, image cache, network, health check and update policy.
    const dir = mkdtempSync(join(tmpdir(), 'spur-bench-bare-'));
    const write = (version: string) => Object.entries(helloAppFiles(version)).forEach(([f, c]) => writeFileSync(join(dir, f), c));
    write('b0');
    sh('docker', ['build', '-q', '-t', `${bare}:0`, dir]);
    const probePath = join(spur.dataDir, 'bin', 'spur-probe');
    sh('docker', ['service', 'create', '-q', '--name', bare, '--network', network, '--endpoint-mode', 'dnsrr', '--env', 'PORT=3000',
      '--mount', `type=bind,source=${probePath},target=/spur/probe,readonly`,
      '--health-cmd', '/spur/probe tcp 3000', '--health-interval', '3s', '--health-timeout', '3s', '--health-retries', '3', '--health-start-period', '30s',
      '--update-order', 'start-first', '--update-failure-action', 'rollback', '--update-monitor', '3s', `${bare}:0`]);

    const spurMs: number[] = [];
    const bareMs: number[] = [];
    let failed = 0;
    let ok = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      repo.commit(helloAppFiles(`v${round}`), `change ${round}`);
      const probe = await startLoadProbe(network, 'http://web:3000/quiet');
      await new Promise((r) => setTimeout(r, 500));
      let t = Date.now();
      await deploy();
      spurMs.push(Date.now() - t);
      const load = await probe.stop();
      failed += load.failed;
      ok += load.ok;

      write(`b${round}`);
      t = Date.now();
      sh('docker', ['build', '-q', '-t', `${bare}:${round}`, dir]);
      sh('docker', ['service', 'update', '-q', '--detach=false', '--image', `${bare}:${round}`, bare]);
      bareMs.push(Date.now() - t);
      console.log(`round ${round}: spur ${seconds(spurMs.at(-1)!)} s, bare docker ${seconds(bareMs.at(-1)!)} s, probe ${load.ok} ok / ${load.failed} failed`);
    }
    console.log(`\nredeploy after a one-file change (median of ${ROUNDS}):`);
    console.log(`  spur, request → active (clone, build, rollout, health)   ${seconds(median(spurMs))} s`);
    console.log(`  bare docker build (cached) + service update to healthy   ${seconds(median(bareMs))} s`);
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
