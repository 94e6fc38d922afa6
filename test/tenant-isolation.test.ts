// End to end: a project's builds and services see public images only, never another project's,
// and nothing in a repository is read through a symlink that leaves it or without a bound.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { BASE_IMAGE, type SpurProcess, api, docker, uniqueName, waitForDeployment as waitFor } from './harness.js';
import { useGitStack } from './fixtures/git-stack.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const projects: string[] = [];

useGitStack((s) => ({ git, spur, token } = s), { projects });

async function newProject(prefix: string) {
  const project = uniqueName(prefix);
  projects.push(project);
  expect((await api(spur, token)('POST', '/projects', { name: project })).status).toBe(201);
  return project;
}

/** Creates a git service from `files`, deploys it and waits for the outcome. */
async function deployFiles(project: string, service: string, files: Record<string, string>, extra?: (repo: ReturnType<typeof createRepo>) => void) {
  const call = api(spur, token);
  const repo = createRepo(git, `${project}-${service}.git`);
  repo.commit(files, 'version');
  extra?.(repo);
  expect((await call('POST', `/projects/${project}/services`, { name: service, git: repo.url, branch: 'main', port: 3000 })).status).toBe(201);
  const created = await call('POST', `/projects/${project}/services/${service}/deployments`);
  expect(created.status).toBe(202);
  return waitFor(spur, token, created.json.deployment.id);
}

describe("another project's images", () => {
  let victimTag: string;
  let victimId: string;

  beforeAll(async () => {
    const victim = await newProject('victim');
    const app = helloAppFiles('v1');
    const deployment = await deployFiles(victim, 'web', { ...app, Dockerfile: app.Dockerfile.replace('COPY server.js', 'RUN echo baked-in-secret > /secret.txt\nCOPY server.js') });
    expect(deployment.status, deployment.failureReason).toBe('active');
    victimTag = deployment.imageTag;
    victimId = (await docker('image', 'inspect', '--format', '{{.Id}}', victimTag)).replace('sha256:', '');
  });

  it('tags built images with an unguessable suffix, one repository per service', () => {
    expect(victimTag).toMatch(/^spur\/victim[a-z0-9]+\/web:\d+-[0-9a-f]{12}$/);
  });

  it.each([
    ['FROM the tag', (tag: string) => `FROM ${tag}\nRUN cat /secret.txt\n`],
    ['FROM through an ARG default', (tag: string) => `ARG BASE=${tag}\nFROM \${BASE}\nRUN cat /secret.txt\n`],
    ['FROM docker.io/…', (tag: string) => `FROM docker.io/${tag}\nRUN cat /secret.txt\n`],
    ['FROM with quotes in the name', (tag: string) => `FROM "sp"ur/${tag.slice(5)}\nRUN cat /secret.txt\n`],
    ['COPY --from the tag', (tag: string) => `FROM ${BASE_IMAGE}\nCOPY --from=${tag} /secret.txt /stolen\nRUN cat /stolen\n`],
  ])('refuses a build that names it: %s', async (_name, dockerfile) => {
    const attacker = await newProject('thief');
    const deployment = await deployFiles(attacker, 'web', { Dockerfile: dockerfile(victimTag) });
    expect(deployment.status).toBe('failed');
    expect(deployment.failureReason).toMatch(/Dockerfile line \d+: .* Spur's own image namespace/);
    expect(await docker('image', 'ls', '-q', '--filter', `label=spur.project=${attacker}`)).toBe('');
  });

  it.each([
    ['its short id', () => `FROM ${victimId.slice(0, 12)}\nRUN cat /secret.txt\n`],
    ['its sha256 id', () => `FROM sha256:${victimId}\nRUN cat /secret.txt\n`],
  ])('refuses a build that names it by %s', async (_name, dockerfile) => {
    const attacker = await newProject('thief');
    const deployment = await deployFiles(attacker, 'web', { Dockerfile: dockerfile() });
    expect(deployment.status).toBe('failed');
    expect(deployment.failureReason).toMatch(/looks like an image id/);
  });

  /** Deploys `dockerfile` with `variables` set and marked for the build; the outcome and its log. */
  async function deployWithBuildVariables(dockerfile: string, variables: Record<string, string>, files: Record<string, string> = {}) {
    const attacker = await newProject('thief');
    const call = api(spur, token);
    const repo = createRepo(git, `${attacker}-web.git`);
    repo.commit({ ...files, Dockerfile: dockerfile }, 'version');
    expect((await call('POST', `/projects/${attacker}/services`, { name: 'web', git: repo.url, branch: 'main', port: 3000 })).status).toBe(201);
    expect((await call('PUT', `/projects/${attacker}/services/web/variables`, { variables })).status).toBe(200);
    expect((await call('PATCH', `/projects/${attacker}/services/web/settings`, { buildVariables: Object.keys(variables) })).status).toBe(200);
    const created = await call('POST', `/projects/${attacker}/services/web/deployments`);
    expect(created.status).toBe(202);
    const deployment = await waitFor(spur, token, created.json.deployment.id);
    const log = (await call('GET', `/deployments/${deployment.id}/events`)).text as string;
    return { attacker, deployment, log };
  }

  it.each([
    ['its tag', () => victimTag, /is in Spur's own image namespace/],
    ['an id prefix', () => victimId.slice(0, 10), /looks like an image id/],
  ])('refuses a build variable that names it by %s (ARG B with a public default, FROM $B)', async (_name, value, why) => {
    const { attacker, deployment, log } = await deployWithBuildVariables(`ARG B=${BASE_IMAGE}\nFROM $B\nRUN cat /secret.txt\n`, { B: value() });
    expect(deployment.status).toBe('failed');
    // The value itself is masked in what Spur reports, as a variable's value is.
    const line = new RegExp(`Dockerfile line 2: \\S+ ${why.source}.* \\(\\$B with this build's values\\)`);
    expect(deployment.failureReason).toMatch(line);
    expect(log).toMatch(line);
    expect(log).not.toContain('baked-in-secret');
    expect(await docker('image', 'ls', '-q', '--filter', `label=spur.project=${attacker}`)).toBe('');
  });

  it('refuses a build variable in COPY --from', async () => {
    const { deployment } = await deployWithBuildVariables(`FROM ${BASE_IMAGE}\nARG S\nCOPY --from=$S /secret.txt /stolen\nRUN cat /stolen\n`, { S: victimTag });
    expect(deployment.status).toBe('failed');
    expect(deployment.failureReason).toMatch(/Dockerfile: line 3: a variable \(\$S\) may not name the image of COPY --from/);
  });

  it('builds and runs with a build variable that names a public image', async () => {
    const app = helloAppFiles('public-base');
    const dockerfile = app.Dockerfile.replace(`FROM ${BASE_IMAGE}`, 'ARG BASE=node:0-absent\nFROM ${BASE}');
    const { deployment, log } = await deployWithBuildVariables(dockerfile, { BASE: BASE_IMAGE }, { 'server.js': app['server.js'] });
    expect(deployment.status, deployment.failureReason).toBe('active');
    expect(log).toContain('Build arguments: BASE');
    expect(deployment.imageTag).toMatch(/^spur\/thief[a-z0-9]+\/web:/);
  });

  it('refuses a public base image whose ONBUILD trigger copies out of it', async () => {
    // Stands for an image anyone could push to a public registry: not Spur's, with a trigger.
    const base = `${uniqueName('onbuild-base')}:1`;
    const dir = mkdtempSync(join(tmpdir(), 'onbuild-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nONBUILD COPY --from=${victimTag} /secret.txt /loot\n`);
      await docker('build', '-q', '--label', 'spur.test=onbuild', '-t', base, dir);
      const attacker = await newProject('thief');
      const deployment = await deployFiles(attacker, 'web', { Dockerfile: `FROM ${base}\nRUN cat /loot\n` });
      expect(deployment.status).toBe('failed');
      expect(deployment.failureReason).toMatch(new RegExp(`Dockerfile line 1: .* is in Spur's own image namespace .* \\(an ONBUILD trigger of ${base.replace(/[.:]/g, '\\$&')}\\)`));
      expect(await docker('image', 'ls', '-q', '--filter', `label=spur.project=${attacker}`)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await docker('image', 'rm', base).catch(() => {});
    }
  });

  it('refuses an image-source service that names it through a retag, at creation and at deploy', async () => {
    const attacker = await newProject('thief');
    const call = api(spur, token);
    const retag = `${uniqueName('retag')}:1`;
    try {
      await docker('tag', victimTag, retag);
      const refused = await call('POST', `/projects/${attacker}/services`, { name: 'web', image: retag, port: 3000 });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toBe(`image: ${retag} is an image Spur built; use a public image`);
      expect((await call('POST', `/projects/${attacker}/services`, { name: 'web', image: victimId.slice(0, 12), port: 3000 })).status).toBe(400);
      expect((await call('GET', `/projects/${attacker}`)).json.services).toEqual([]);
      // Named before the retag: created, and its deploy fails saying why.
      await docker('image', 'rm', retag);
      expect((await call('POST', `/projects/${attacker}/services`, { name: 'web', image: retag, port: 3000 })).status).toBe(201);
      await docker('tag', victimTag, retag);
      const created = await call('POST', `/projects/${attacker}/services/web/deployments`);
      expect(created.status).toBe(202);
      const deployment = await waitFor(spur, token, created.json.deployment.id);
      expect(deployment.status).toBe('failed');
      expect(deployment.failureReason).toMatch(new RegExp(`image: ${retag.replace(/[.:]/g, '\\$&')} is an image Spur built`));
      expect(await docker('service', 'ls', '-q', '--filter', `label=spur.project=${attacker}`)).toBe('');
    } finally {
      await docker('image', 'rm', retag).catch(() => {});
    }
  });

  it('refuses an image-source service that names it, and creates nothing', async () => {
    const attacker = await newProject('thief');
    const call = api(spur, token);
    for (const image of [victimTag, `docker.io/${victimTag}`, `sha256:${victimId}`]) {
      const res = await call('POST', `/projects/${attacker}/services`, { name: 'web', image, port: 3000 });
      expect(res.status, image).toBe(400);
      expect(res.json.error).toMatch(/Spur's own image namespace|image id/);
    }
    expect((await call('GET', `/projects/${attacker}`)).json.services).toEqual([]);
  });
});

describe('.dockerignore and Dockerfile from the repository', () => {
  it.each([
    ['/dev/zero', /\.dockerignore: is a symlink that points outside the repository/],
    ['/etc/shadow', /\.dockerignore: is a symlink that points outside the repository/],
  ])('a .dockerignore symlinked to %s fails the deployment at once, and Spur keeps serving', async (target, reason) => {
    const project = await newProject('link');
    const started = Date.now();
    const deployment = await deployFiles(project, 'web', helloAppFiles('v1'), (repo) => repo.symlink('.dockerignore', target, 'link'));
    expect(deployment.status).toBe('failed');
    expect(deployment.failureReason).toMatch(reason);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await api(spur, token)('GET', '/health')).status).toBe(200);
  });

  it('refuses a .dockerignore past its size bound', async () => {
    const project = await newProject('big');
    const deployment = await deployFiles(project, 'web', { ...helloAppFiles('v1'), '.dockerignore': '#'.repeat(65 * 1024) });
    expect(deployment.status).toBe('failed');
    expect(deployment.failureReason).toMatch(/\.dockerignore: is larger than 64 KiB/);
  });
});

describe('names that look alike', () => {
  it('get their own hostnames and Traefik routers on Swarm', async () => {
    const x = uniqueName('n');
    const call = api(spur, token);
    const repo = createRepo(git, `${x}-alike.git`);
    repo.commit(helloAppFiles('v1'), 'v1');
    projects.push(x, `${x}-a`);
    for (const p of [x, `${x}-a`]) expect((await call('POST', '/projects', { name: p })).status).toBe(201);
    for (const [p, s] of [[x, 'a-web'], [x, 'web'], [`${x}-a`, 'web']]) {
      expect((await call('POST', `/projects/${p}/services`, { name: s, git: repo.url, branch: 'main', port: 3000 })).status).toBe(201);
    }
    expect((await call('POST', `/projects/${x}/environments`, { name: 'a' })).status).toBe(201);
    // Hyphenated, `x`/`a-web` and `x-a`/`web` once shared a router; `x`/`web` in `a` and
    // `x-a`/`web` in production once shared a hostname.
    const instances = [[x, 'a-web', 'production'], [`${x}-a`, 'web', 'production'], [x, 'web', 'a']];
    const deployments = await Promise.all(
      instances.map(async ([p, s, e]) => (await call('POST', `/projects/${p}/services/${s}/deployments?env=${e}`)).json.deployment.id).map(async (id) => waitFor(spur, token, await id)),
    );
    for (const d of deployments) expect(d.status, d.failureReason).toBe('active');

    const labels = await Promise.all(instances.map(async ([p, s, e]) => JSON.parse(await docker('service', 'inspect', `spur_${p}_${s}_${e}`))[0].Spec.Labels as Record<string, string>));
    const routerKeys = labels.map((l) => Object.keys(l).filter((k) => k.startsWith('traefik.http.')));
    const hosts = labels.map((l) => Object.entries(l).find(([k]) => k.endsWith('.rule'))![1]);
    expect(new Set(routerKeys.flat()).size).toBe(routerKeys.flat().length);
    expect(hosts[1]).toBe(`Host(\`web-${x}-a.spur.test\`)`);
    expect(hosts[2]).toBe(`Host(\`web-${x}-a-2.spur.test\`)`);
  });
});
