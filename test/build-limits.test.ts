// End to end: a build cannot take the server: it has a deadline and a memory cap, builds run one
// at a time, and its stored log is bounded (first and last lines kept, the cut said), while Spur
// keeps answering; a failed build leaves no step image or container behind.
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

async function deploy(service: string, dockerfileTail: string, settings?: Record<string, unknown>) {
  const call = api(spur, token);
  const repo = createRepo(git, `${project}-${service}.git`);
  const app = helloAppFiles(service);
  repo.commit({ ...app, Dockerfile: app.Dockerfile.replace('CMD', `${dockerfileTail}\nCMD`) }, service);
  expect((await call('POST', `/projects/${project}/services`, { name: service, git: repo.url, port: 3000 })).status).toBe(201);
  if (settings) expect((await call('PATCH', `/projects/${project}/services/${service}/settings`, settings)).status).toBe(200);
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

  it('fails a build that goes over its memory cap, saying so, while Spur keeps answering', async () => {
    // The LABEL step leaves an image of its own, found by its marker if the failed build left it.
    const marker = `hungry-${Date.now()}`;
    const id = await deploy('hungry', `LABEL spur.test.step=${marker}\nRUN node -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"`, { buildMemory: 64 });
    const answers: number[] = [];
    let d: Awaited<ReturnType<typeof waitForDeployment>> | undefined;
    const waiting = waitForDeployment(spur, token, id).then((done) => (d = done));
    while (!d) {
      answers.push((await api(spur, token)('GET', '/health')).status);
      await new Promise((r) => setTimeout(r, 200));
    }
    await waiting;
    expect(d.status).toBe('failed');
    expect(d.failureReason).toMatch(/^build failed: a build step was killed, most likely for going over the build's memory cap of 64 MiB \(raise it with --build-memory or SPUR_BUILD_MEMORY\): .*137/);
    expect(answers.length).toBeGreaterThan(3);
    expect(answers.every((s) => s === 200)).toBe(true);
    // Nothing of it is left: no step container, no untagged step image.
    expect(await docker('images', '-a', '-q', '--filter', `label=spur.test.step=${marker}`)).toBe('');
    expect(await docker('ps', '-a', '-q', '--filter', `label=spur.test.step=${marker}`)).toBe('');
  });

  it('runs two builds asked for at once one after the other', async () => {
    // Their own timeout: this file's SPUR_BUILD_TIMEOUT (15 s) counts the wait in line too.
    const [a, b] = await Promise.all([deploy('first', 'RUN sleep 3', { buildTimeout: 120 }), deploy('second', 'RUN sleep 3', { buildTimeout: 120 })]);
    const done = await Promise.all([waitForDeployment(spur, token, a), waitForDeployment(spur, token, b)]);
    expect(done.map((d) => d.status)).toEqual(['active', 'active']);
    const logs = await Promise.all([storedLog(a), storedLog(b)]);
    const waited = logs.filter((log) => log.includes('Waiting for a build slot on the manager: builds run one at a time there (SPUR_BUILD_CONCURRENCY)'));
    expect(waited).toHaveLength(1);
    const log = waited[0]!;
    expect(log.indexOf('Waiting for a build slot on the manager: builds run one at a time there (SPUR_BUILD_CONCURRENCY)')).toBeLessThan(log.findIndex((l) => /^Step 1\/\d+ : FROM/.test(l)));
  });
});
