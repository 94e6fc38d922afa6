// End to end: a build cannot take the server: it has a deadline, and its stored log is bounded
// (first and last lines kept, the cut said), while Spur keeps answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cleanupProject, docker, startGitStack, uniqueName, waitForDeployment } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('lim');

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack({ env: { SPUR_BUILD_TIMEOUT: '15' } }));
  expect((await api(spur, token)('POST', '/projects', { name: project })).status).toBe(201);
});
afterAll(async () => {
  await spur?.stop();
  await git?.close();
  await cleanupProject(project);
});

async function deploy(service: string, dockerfileTail: string) {
  const call = api(spur, token);
  const repo = createRepo(git, `${project}-${service}.git`);
  const app = helloAppFiles(service);
  repo.commit({ ...app, Dockerfile: app.Dockerfile.replace('CMD', `${dockerfileTail}\nCMD`) }, service);
  expect((await call('POST', `/projects/${project}/services`, { name: service, git: repo.url, port: 3000 })).status).toBe(201);
  const created = await call('POST', `/projects/${project}/services/${service}/deployments`);
  return created.json.deployment.id as number;
}

/** The stored log, as a follower arriving after the end reads it. */
async function storedLog(id: number): Promise<string[]> {
  const res = await fetch(`${spur.url}/api/v1/deployments/${id}/events`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await res.text();
  return [...text.matchAll(/^event: line\n(?:id: \d+\n)?data: (.*)$/gm)].map((m) => JSON.parse(m[1]).line);
}

describe('build limits', () => {
  it('stops a build that outlives SPUR_BUILD_TIMEOUT and says so', async () => {
    const started = Date.now();
    const id = await deploy('slow', 'RUN echo build-started && sleep 120');
    const d = await waitForDeployment(spur, token, id);
    expect(d.status).toBe('failed');
    expect(d.failureReason).toBe('the build took longer than 15 s (SPUR_BUILD_TIMEOUT) and was stopped');
    expect(Date.now() - started).toBeLessThan(50_000);
    // The daemon stopped the build too: no container is left sleeping.
    const buildContainers = async () => (await docker('ps', '--no-trunc', '--format', '{{.Command}}')).split('\n').filter((c) => c.includes('echo build-started && sleep 120'));
    await expect.poll(buildContainers, { timeout: 20_000 }).toEqual([]);
  });

  it('keeps the first and last lines of a huge build log and says how many were cut', async () => {
    const id = await deploy('chatty', 'RUN seq 1 30000');
    const d = await waitForDeployment(spur, token, id);
    expect(d.status, d.failureReason).toBe('active');
    const log = await storedLog(id);
    expect(log.length).toBeLessThanOrEqual(1000 + 1 + 3000 + 500);
    const marker = log.findIndex((l) => / lines cut here: Spur keeps the first 1000 and the last 3000 lines/.test(l));
    expect(marker).toBe(1000);
    expect(log).toContain('1');
    expect(log).toContain('30000');
    expect(log.at(-1)).toMatch(/Deployment \d+ is active\./);
    expect((await api(spur, token)('GET', '/health')).status).toBe(200);
  });
});
