// End to end: a build cannot take the server: it has a deadline and a memory cap, builds run one
// at a time, and its stored log is bounded (first and last lines kept, the cut said), while Spur
// keeps answering; a failed build leaves no step image or container behind, and what builds
// leave as cache is held to SPUR_BUILD_CACHE_MB.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, docker, probe, startGitStack, stopAll, uniqueName, waitForDeployment } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('lim');

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack({ env: { SPUR_BUILD_TIMEOUT: '15', SPUR_BUILD_CACHE_MB: '4' } }));
  expect((await api(spur, token)('POST', '/projects', { name: project })).status).toBe(201);
});
afterAll(() => stopAll({ spur, git }, [project]));

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
    // The first step is this run's own (other files build a `slow` app too, which Docker's cache
    // would share): the stopped build has made an image the sleeping step's container holds.
    const id = await deploy('slow', `RUN echo ${project} > /made-here\nRUN echo build-started && sleep 120`);
    const d = await waitForDeployment(spur, token, id);
    expect(d.status).toBe('failed');
    expect(d.failureReason).toBe('the build took longer than 15 s (SPUR_BUILD_TIMEOUT) and was stopped');
    expect(Date.now() - started).toBeLessThan(50_000);
    // The daemon stopped the build too: no container is left sleeping.
    const buildContainers = async () => (await docker('ps', '--no-trunc', '--format', '{{.Command}}')).split('\n').filter((c) => c.includes('echo build-started && sleep 120'));
    await expect.poll(buildContainers, { timeout: 20_000 }).toEqual([]);
    // Nor, soon after, an image of its finished steps, though the stopped step's container held
    // the last one when the build was stopped (left, it would count against this Spur's build cache).
    const made = madeImages(await storedLog(id));
    expect(made.length).toBeGreaterThan(0);
    await expect.poll(() => existing(made), { timeout: 120_000, interval: 1000, message: 'step images of the stopped build still there' }).toEqual([]);
  });

  it('keeps the first and last lines of a huge build log and says how many were cut', async () => {
    // Its own deadline: streaming 30000 lines can outlast the file's 15 s on a loaded machine.
    const id = await deploy('chatty', 'RUN seq 1 30000', { buildTimeout: 120 });
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

  it('runs two builds asked for at once one after the other, the second\'s deadline starting at its turn', async () => {
    // Each build takes about 32 s of a 50 s timeout: the second waits about as long again, which a
    // deadline counting the wait would not allow. The project name keeps the steps out of the cache.
    const step = (name: string) => `RUN sleep 30 && echo ${name} ${project}`;
    const [a, b] = await Promise.all([deploy('first', step('first'), { buildTimeout: 50, buildCpus: 0.5 }), deploy('second', step('second'), { buildTimeout: 50 })]);
    // The first's step runs under its own CPU cap and the server's memory cap (no swap); either
    // build may take the slot first, so the first's step may start only after the second's.
    const stepContainer = async () => (await docker('ps', '--no-trunc', '--filter', 'status=running', '--format', '{{.ID}} {{.Command}}')).split('\n').find((l) => l.includes('echo first'))?.split(' ')[0];
    await expect.poll(stepContainer, { timeout: 90_000, interval: 200 }).toBeTruthy();
    const limits = JSON.parse(await docker('inspect', '--format', '{{json .HostConfig}}', (await stepContainer())!));
    expect(limits).toMatchObject({ CpuPeriod: 100_000, CpuQuota: 50_000, Memory: 2048 * 1024 * 1024, MemorySwap: 2048 * 1024 * 1024 });
    const done = await Promise.all([waitForDeployment(spur, token, a), waitForDeployment(spur, token, b)]);
    expect(done.map((d) => d.status), done.map((d) => d.failureReason).join('; ')).toEqual(['active', 'active']);
    const logs = await Promise.all([storedLog(a), storedLog(b)]);
    const waited = logs.filter((log) => log.includes('Waiting for a build slot on the manager: builds run one at a time there (SPUR_BUILD_CONCURRENCY)'));
    expect(waited).toHaveLength(1);
    const log = waited[0]!;
    expect(log.indexOf('Waiting for a build slot on the manager: builds run one at a time there (SPUR_BUILD_CONCURRENCY)')).toBeLessThan(log.findIndex((l) => /^Step 1\/\d+ : FROM/.test(l)));
  });

  it('holds the build cache to SPUR_BUILD_CACHE_MB (4 here), least recently used first, and reuses what it keeps', async () => {
    // An earlier stage leaves an untagged image of about 3 MiB per version of assets.txt.
    const dockerfile = (app: string) => `FROM spur-test/node:bookworm AS assets
COPY assets.txt /assets.txt
RUN head -c 3145728 /dev/urandom > /blob && cp /assets.txt /out.txt
${app.replace('WORKDIR /app', 'WORKDIR /app\nCOPY --from=assets /out.txt /app/assets.txt')}`;
    const call = api(spur, token);
    const repo = createRepo(git, `${project}-cached.git`);
    const release = async (assets: string, version: string) => {
      const app = helloAppFiles(version);
      repo.commit({ ...app, Dockerfile: dockerfile(app.Dockerfile), 'assets.txt': assets }, version);
      const id = (await call('POST', `/projects/${project}/services/cached/deployments`)).json.deployment.id as number;
      const d = await waitForDeployment(spur, token, id);
      expect(d.status, d.failureReason).toBe('active');
      const log = await storedLog(id);
      return { log, stage: stageImage(log), pruned: log.filter((l) => l.startsWith('Build cache on the manager:')) };
    };
    const exists = (image: string) => docker('image', 'inspect', image).then(() => true, () => false);
    repo.commit({ 'README.md': 'cached\n' }, 'start');
    expect((await call('POST', `/projects/${project}/services`, { name: 'cached', git: repo.url, port: 3000 })).status).toBe(201);

    // Assets no earlier run built: the stage is made here, not found in Docker's cache.
    const first = await release(`first assets of ${project}`, 'cache-v1');
    expect(first.pruned).toEqual([]);
    expect(await exists(first.stage)).toBe(true);

    const recordedBefore = await recordedCache();
    const second = await release(`second assets of ${project}`, 'cache-v2');
    const saw = `first stage ${first.stage}; recorded before the second build:\n${recordedBefore.join('\n')}\nprune lines: ${second.pruned.join(' | ')}`;
    expect(second.pruned, saw).toHaveLength(1);
    expect(second.pruned[0], saw).toMatch(/^Build cache on the manager: removed 1 least recently used build stage image \(3\.\d MiB\) to stay under 4 MiB \(SPUR_BUILD_CACHE_MB\); 3\.\d MiB kept$/);
    expect(await exists(first.stage)).toBe(false);
    expect(await exists(second.stage)).toBe(true);

    // Same assets, new code: the kept stage is the cache, and nothing goes.
    const third = await release(`second assets of ${project}`, 'cache-v3');
    const step = third.log.findIndex((l) => l.includes(': RUN head -c 3145728'));
    expect(third.log[step + 1]).toBe(' ---> Using cache');
    expect(third.stage).toBe(second.stage);
    expect(third.pruned).toEqual([]);
    expect((await probe(`spur_${project}_production`, 'http://cached:3000/')).body).toBe('hello from cache-v3\n');
  });
});

/** What this Spur recorded as build cache, each with what Docker says of it now: read from its
 *  database, to say what a failing cache test saw. */
async function recordedCache(): Promise<string[]> {
  const db = new Database(join(spur.dataDir, 'spur.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT image_id, used_at FROM build_cache_images ORDER BY used_at').all() as { image_id: string; used_at: string }[];
    return Promise.all(
      rows.map(async (r) => `${r.image_id.slice(7, 19)} used ${r.used_at}: ${await docker('image', 'inspect', '--format', '{{.RepoTags}} {{.Size}} bytes, made {{.Created}}', r.image_id).catch(() => 'gone')}`),
    );
  } finally {
    db.close();
  }
}

/** The images a build's log says its steps made (not cached, not FROM). */
function madeImages(log: string[]): string[] {
  const made: string[] = [];
  let from = false;
  let cached = false;
  for (const line of log) {
    const step = /^Step \d+\/\d+ : (\S+)/.exec(line);
    if (step) [from, cached] = [step[1]!.toUpperCase() === 'FROM', false];
    if (line === ' ---> Using cache') cached = true;
    const id = /^ ---> ([0-9a-f]{12})$/.exec(line)?.[1];
    if (id && !from && !cached) made.push(id);
  }
  return made;
}

const existing = async (images: string[]) => (await Promise.all(images.map((i) => docker('image', 'inspect', '--format', '{{.Id}}', i).then(() => i, () => undefined)))).filter(Boolean);

/** The image the assets stage's RUN step left: the builder's last ` ---> <id>` line of that step. */
function stageImage(log: string[]): string {
  const step = log.findIndex((l) => l.includes(': RUN head -c 3145728'));
  const end = log.findIndex((l, i) => i > step && /^Step \d+\/\d+ : /.test(l));
  const ids = log.slice(step, end).map((l) => /^ ---> ([0-9a-f]{12})$/.exec(l)?.[1]).filter(Boolean);
  expect(ids.length, log.slice(step, end).join('\n')).toBeGreaterThan(0);
  return ids.at(-1)!;
}
