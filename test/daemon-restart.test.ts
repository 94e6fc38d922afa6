// The Docker daemon restarting in the middle of a deploy: the deployment fails cleanly with a
// reason, Spur notices the engine come back, and the next deploy works.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, docker, probe, uniqueName, waitForDeployment } from './harness.js';
import { useGitStack } from './fixtures/git-stack.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('dmn');

useGitStack((s) => ({ git, spur, token } = s), { projects: [project] });

const dockerUp = () => {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
};

/** Waits for a check; one that throws (Spur not answering) counts as not yet. On time out it says
 *  the last error and what Spur printed last, so a crash shows its cause. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = String((err as Error).cause ?? err);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? ` (last: ${lastError})` : ''}\nSpur's last output:\n${spur.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

it('fails the deployment cleanly when dockerd restarts mid-build, and the next deploy works', async () => {
  const call = api(spur, token);
  const repo = createRepo(git, `${project}.git`);
  const slow = helloAppFiles('slow');
  repo.commit({ ...slow, Dockerfile: slow.Dockerfile.replace('CMD', 'RUN sleep 40\nCMD') }, 'slow build');
  await call('POST', '/projects', { name: project });
  await call('POST', `/projects/${project}/services`, { name: 'web', git: repo.url });
  const id = (await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id;
  await waitForDeployment(spur, token, id, ['building'], 60_000);
  await new Promise((r) => setTimeout(r, 2000));

  // Stop the daemon the way a package upgrade or crash would, then start it again.
  const pid = Number(execFileSync('cat', ['/var/run/docker.pid']).toString().trim());
  process.kill(pid, 'SIGTERM');
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await until(() => !dockerUp(), 60_000, 'dockerd to stop answering');
  const failed = await waitForDeployment(spur, token, id, ['failed', 'cancelled'], 30_000);
  expect(failed.status).toBe('failed');
  expect(failed.failureReason).toMatch(/^build failed: /);
  await until(() => !alive(), 120_000, 'dockerd to exit');
  execFileSync('bash', [resolve(__dirname, '..', 'scripts', 'test-env.sh')], { stdio: 'ignore', timeout: 180_000 });
  await until(async () => ((await (await fetch(`${spur.url}/healthz`)).json()) as { docker: boolean }).docker, 60_000, 'Spur to see Docker again');

  repo.commit(helloAppFiles('after'), 'after the restart');
  const next = (await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id;
  const result = await waitForDeployment(spur, token, next, ['active', 'failed']);
  expect(result.status, result.failureReason).toBe('active');
  expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from after\n');
  expect(await docker('service', 'ls', '--filter', `label=spur.project=${project}`, '--format', '{{.Name}}')).toBe(`spur_${project}_web_production`);
});
