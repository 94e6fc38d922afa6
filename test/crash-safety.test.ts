// Spur killed with SIGKILL mid-build and mid-rollout, then restarted: every record ends in a final
// state that matches what Swarm runs, nothing is duplicated, and the next deploy works.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, docker, probe, startGitStack, startSpur, stopAll, uniqueName, waitForDeployment } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('crash');
const swarmName = `spur_${project}_web_production`;

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack());
});
afterAll(() => stopAll({ spur, git }, [project]));

const call = () => api(spur, token);
const restart = async () => {
  await spur.stop('SIGKILL');
  spur = await startSpur({ dataDir: spur.dataDir, env: git.spurEnv });
};
const waitFor = (id: number, statuses: string[], timeoutMs?: number) => waitForDeployment(spur, token, id, statuses, timeoutMs);
const deploy = async () => (await call()('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id as number;

describe('crash safety', () => {
  let repo: ReturnType<typeof createRepo>;

  it('fails a build cut off by SIGKILL as "interrupted", and the next deploy works', async () => {
    repo = createRepo(git, `${project}.git`);
    const slow = helloAppFiles('slow');
    repo.commit({ ...slow, Dockerfile: slow.Dockerfile.replace('CMD', 'RUN echo slow-build-started && sleep 30\nCMD') }, 'slow build');
    await call()('POST', '/projects', { name: project });
    await call()('POST', `/projects/${project}/services`, { name: 'web', git: repo.url });

    const id = await deploy();
    await waitFor(id, ['building']);
    await new Promise((r) => setTimeout(r, 3000));
    await restart();
    const after = await waitFor(id, ['failed'], 10_000);
    expect(after.failureReason).toBe('interrupted: Spur stopped during the build');
    expect(existsSync(join(spur.dataDir, 'builds')) ? readdirSync(join(spur.dataDir, 'builds')) : []).toEqual([]);

    repo.commit(helloAppFiles('v1'), 'v1');
    const next = await deploy();
    expect((await waitFor(next, ['active', 'failed'])).status).toBe('active');
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from v1\n');
  });

  it('settles a rollout cut off by SIGKILL from what Swarm runs, without duplicating the service', async () => {
    repo.commit(helloAppFiles('v2'), 'v2');
    const id = await deploy();
    await waitFor(id, ['deploying']);
    // Kill once Swarm has the new spec, i.e. in the middle of its update.
    const deployedLabel = async () => JSON.parse(await docker('service', 'inspect', swarmName))[0].Spec.Labels['spur.deployment'];
    for (let i = 0; i < 100 && (await deployedLabel()) !== String(id); i++) await new Promise((r) => setTimeout(r, 50));
    expect((await call()('GET', `/deployments/${id}`)).json.deployment.status).toBe('deploying');
    await restart();
    const after = await waitFor(id, ['active', 'failed']);
    expect(after.status, after.failureReason).toBe('active');
    expect(await docker('service', 'ls', '--filter', `label=spur.project=${project}`, '--format', '{{.Name}}')).toBe(swarmName);
    const spec = JSON.parse(await docker('service', 'inspect', swarmName))[0].Spec;
    expect(spec.Labels['spur.deployment']).toBe(String(id));
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from v2\n');

    const statuses = (await call()('GET', `/projects/${project}/services/web/deployments`)).json.deployments.map((d: { status: string }) => d.status);
    expect(statuses.filter((s: string) => s === 'active')).toHaveLength(1);
    expect(statuses.some((s: string) => ['queued', 'building', 'deploying'].includes(s))).toBe(false);

    repo.commit(helloAppFiles('v3'), 'v3');
    expect((await waitFor(await deploy(), ['active', 'failed'])).status).toBe('active');
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from v3\n');
  });

  it('on SIGTERM cancels the build in progress and exits cleanly', async () => {
    const slow = helloAppFiles('slow2');
    repo.commit({ ...slow, Dockerfile: slow.Dockerfile.replace('CMD', 'RUN sleep 30\nCMD') }, 'slow again');
    const id = await deploy();
    await waitFor(id, ['building']);
    const started = Date.now();
    await spur.stop('SIGTERM');
    expect(Date.now() - started).toBeLessThan(20_000);
    spur = await startSpur({ dataDir: spur.dataDir, env: git.spurEnv });
    const after = await waitFor(id, ['cancelled', 'failed'], 10_000);
    expect(after).toMatchObject({ status: 'cancelled', failureReason: 'Spur was stopped' });
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from v3\n');
  });

  it('removes a Swarm service of its own that no record owns, and leaves others alone', async () => {
    const installId = (await import('node:fs')).readFileSync(join(spur.dataDir, 'install-id'), 'utf8').trim();
    const orphan = `spur_${project}_ghost_production`;
    const foreign = `spur_${project}_foreign_production`;
    await docker('service', 'create', '-q', '--detach', '--name', orphan, '--label', 'spur.managed=true', '--label', `spur.install=${installId}`, '--label', `spur.project=${project}`, 'spur-test/node:bookworm', 'sleep', '600');
    await docker('service', 'create', '-q', '--detach', '--name', foreign, '--label', 'spur.managed=true', '--label', 'spur.install=someone-else', '--label', `spur.project=${project}`, 'spur-test/node:bookworm', 'sleep', '600');
    await restart();
    const names = async () => (await docker('service', 'ls', '--filter', `label=spur.project=${project}`, '--format', '{{.Name}}')).split('\n').sort();
    for (let i = 0; i < 20 && (await names()).includes(orphan); i++) await new Promise((r) => setTimeout(r, 250));
    expect(await names()).toEqual([foreign, swarmName].sort());
  });
});
