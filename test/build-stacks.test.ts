// Repositories with no Dockerfile, one per stack Spur recognises (test/fixtures/stacks/apps.ts),
// built with the Dockerfile Spur writes and deployed: each answers with its body, as the non-root
// user the Dockerfile names. The Dockerfile is in the build log, on the deployment, and printed by
// `spur build plan`. A Procfile's web: line replaces the start command, one that needs a shell is
// refused with the old version still serving, and a repository Spur cannot build says what it
// looked for. Base images are stand-ins under the official names (scripts/test-env.sh).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, startGitServer } from './fixtures/git-server.js';
import { STACK_APPS } from './fixtures/stacks/apps.js';
import { expectReadmeWalked } from './readme.js';
import { type SpurProcess, api, cli, docker, launchBrowser, logInPage, loginCli, probe, startSpur, stopAll, uniqueName } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let call: ReturnType<typeof api>;
const project = uniqueName('stacks');
const network = `spur_${project}_production`;
const repos: Record<string, ReturnType<typeof createRepo>> = {};
const BUILD_TOKEN = 'tok-build-secret-2f9c1e';
const MIRRORED_PYTHON = 'spur-mirror.test/library/python:3.13-slim';
const deployed: Record<string, { code: number; stdout: string; stderr: string }> = {};
/** The `spur …` lines run, as the README writes them (its project is "shop"). */
const walked: string[] = [];

function spurCli(args: string[]) {
  walked.push(['spur', ...args].join(' ').replaceAll(project, 'shop'));
  return cli(spur, args);
}

const EXPECTED: Record<string, { stack: string; body: RegExp; reasons: string }> = {
  web: { stack: 'node', body: /^hello from npm \(built with the token\) uid=1000$/, reasons: 'found package.json, engines.node 22, found package-lock.json, build script, start script' },
  pnpm: { stack: 'node', body: /^hello from pnpm \(not built\) uid=1000$/, reasons: 'found package.json, Node 22 from .nvmrc, found pnpm-lock.yaml, main server.js' },
  yarn: { stack: 'node', body: /^hello from yarn \(not built\) uid=1000$/, reasons: 'found package.json, Node 22 from .node-version, found yarn.lock, start script' },
  vite: { stack: 'node-static', body: /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/, reasons: 'found package.json, engines.node 22, build script, vite: serving dist/' },
  python: { stack: 'python', body: /^hello from python uid=10001$/, reasons: 'found requirements.txt, found main.py' },
  go: { stack: 'go', body: /^hello from go uid=65532$/, reasons: 'found go.mod, go 1.19' },
  static: { stack: 'static', body: /<h1>hello from static<\/h1>/, reasons: 'found index.html' },
  procfile: { stack: 'node', body: /^hello from the Procfile \(not built\) uid=1000$/, reasons: 'found package.json, engines.node 22, start script, Procfile web:' },
};

beforeAll(async () => {
  git = await startGitServer();
  // Three builds at once (the default is one): the eight apps build side by side.
  spur = await startSpur({ env: { ...git.spurEnv, SPUR_BUILD_CONCURRENCY: '3' } });
  call = api(spur, await loginCli(spur));
  expect((await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'a long password\n')).code).toBe(0);
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  for (const [name, files] of Object.entries(STACK_APPS)) {
    repos[name] = createRepo(git, `${project}-${name}.git`);
    repos[name].commit(files, `${name} app`);
    const created = await cli(spur, ['service', 'create', project, name, '--git', repos[name].url]);
    expect(created.code, created.stderr).toBe(0);
  }
  // Python from a mirror the owner named (the stand-in, tagged under the mirror's name).
  await docker('tag', 'python:3.13-slim', MIRRORED_PYTHON);
  const mirrored = await cli(spur, ['instance', '--image-python', 'spur-mirror.test/library/python:{version}-slim']);
  expect(mirrored.code, mirrored.stderr).toBe(0);
  expect(mirrored.stdout).toContain('python spur-mirror.test/library/python:{version}-slim (chosen)');
  expect((await cli(spur, ['vars', 'set', project, 'web', `API_TOKEN=${BUILD_TOKEN}`])).code).toBe(0);
  expect((await cli(spur, ['settings', project, 'web', '--build-variables', 'API_TOKEN'])).code).toBe(0);
  // All at once, as a team's first pushes would come: the builds share the machine.
  await Promise.all(Object.keys(STACK_APPS).map(async (name) => (deployed[name] = await spurCli(['deploy', project, name]))));
}, 600_000);

afterAll(async () => {
  await docker('image', 'rm', MIRRORED_PYTHON).catch(() => {});
  await stopAll({ spur, git }, [project]);
});

describe('repositories without a Dockerfile', () => {
  for (const name of Object.keys(STACK_APPS)) {
    it(`builds and serves the ${name} app with the Dockerfile Spur wrote, and says why`, async () => {
      const expected = EXPECTED[name]!;
      const run = deployed[name]!;
      expect(run.code, run.stdout.slice(-3000) + run.stderr).toBe(0);
      expect(run.stdout).toContain(`No Dockerfile in .: Spur wrote one for a ${expected.stack} app (${expected.reasons})`);
      expect(run.stdout).toContain('# To take over, save it as Dockerfile in the repository and edit it.');
      const seen = await probe(network, `http://${name}:3000/`);
      expect(seen.body.trim(), seen.error).toMatch(expected.body);

      const { deployments } = (await call('GET', `/projects/${project}/services/${name}/deployments`)).json;
      const plan = deployments[0].buildPlan;
      expect(plan).toMatchObject({ stack: expected.stack, reasons: expected.reasons.split(', ') });
      const printed = await spurCli(['build', 'plan', project, name]);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout.trim()).toBe(plan.dockerfile.trim());
      expect(printed.stderr).toContain(`Spur would write this one for a ${expected.stack} app`);
    });
  }

  it('builds from the base image the owner chose on the Settings page or with spur instance (a mirror)', async () => {
    const { deployments } = (await call('GET', `/projects/${project}/services/python/deployments`)).json;
    expect(deployments[0].buildPlan.dockerfile).toContain(`FROM ${MIRRORED_PYTHON} AS build`);
    expect(deployed.python!.stdout).toMatch(new RegExp(`Step 1/\\d+ : FROM ${MIRRORED_PYTHON.replace(/\./g, '\\.')} AS build`));
  });

  it('gives the build its marked variables in the build stage only: masked in the log, absent from the image that runs', async () => {
    expect(deployed.web!.stdout).toContain('Build arguments: API_TOKEN');
    expect(deployed.web!.stdout).not.toContain(BUILD_TOKEN);
    const { deployments } = (await call('GET', `/projects/${project}/services/web/deployments`)).json;
    expect(deployments[0].buildPlan.dockerfile).toMatch(/^FROM node:22-slim AS build\nARG API_TOKEN\n/m);
    const history = await docker('history', '--no-trunc', '--format', '{{.CreatedBy}}', deployments[0].imageTag);
    expect(history).not.toContain(BUILD_TOKEN);
    expect(history).not.toContain('API_TOKEN');
  });

  it('refuses an image whose history records a build variable, and removes it', async () => {
    const repo = createRepo(git, `${project}-leaky.git`);
    repo.commit({ Dockerfile: 'FROM spur-test/node:bookworm\nARG API_TOKEN\nRUN echo "token: $API_TOKEN" > /token.txt\nCMD ["node", "-e", "setInterval(() => {}, 1000)"]\n' }, 'leaky');
    expect((await cli(spur, ['service', 'create', project, 'leaky', '--git', repo.url])).code).toBe(0);
    expect((await cli(spur, ['vars', 'set', project, 'leaky', `API_TOKEN=${BUILD_TOKEN}`])).code).toBe(0);
    expect((await cli(spur, ['settings', project, 'leaky', '--build-variables', 'API_TOKEN'])).code).toBe(0);
    const run = await cli(spur, ['deploy', project, 'leaky']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the image's history records the value of API_TOKEN");
    expect(run.stdout + run.stderr).not.toContain(BUILD_TOKEN);
    expect(await docker('image', 'ls', '--format', '{{.Repository}}', `spur/${project}/leaky`)).toBe('');
  });

  it('shows the Dockerfile it wrote on the deployment page, with why and how to take over', async () => {
    const { deployments } = (await call('GET', `/projects/${project}/services/web/deployments`)).json;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await logInPage(page, spur);
      await page.goto(`${spur.url}/deployments/${deployments[0].id}`);
      const section = page.getByRole('region', { name: 'Dockerfile written by Spur' });
      await section.getByText('recognised a node app (found package.json, engines.node 22, found package-lock.json, build script, start script)').waitFor();
      expect(await section.getByLabel('Dockerfile written by Spur').textContent()).toBe(deployments[0].buildPlan.dockerfile);
      expect(await section.getByRole('button', { name: 'Copy the Dockerfile' }).isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('refuses a Procfile web: line that needs a shell; the running version keeps serving', async () => {
    repos.procfile!.commit({ Procfile: 'web: node server.js && rm -rf /\n' }, 'a shell line');
    const run = await cli(spur, ['deploy', project, 'procfile']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Procfile: the web: line uses shell syntax');
    expect((await probe(network, 'http://procfile:3000/')).body.trim()).toMatch(EXPECTED.procfile!.body);
    const plan = await cli(spur, ['build', 'plan', project, 'procfile']);
    expect(plan.code).toBe(1);
    expect(plan.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says what it looked for when a repository has nothing it can build', async () => {
    const repo = createRepo(git, `${project}-docs.git`);
    repo.commit({ 'README.md': '# only words\n' }, 'docs');
    expect((await cli(spur, ['service', 'create', project, 'docs', '--git', repo.url])).code).toBe(0);
    const plan = await cli(spur, ['build', 'plan', project, 'docs']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('no Dockerfile, and nothing Spur can build without one: looked for Dockerfile, package.json with vite, astro or react-scripts and a build script, package.json, requirements.txt or pyproject.toml, go.mod, index.html');
    const run = await cli(spur, ['deploy', project, 'docs']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('looked for Dockerfile, package.json');
  });

  it('has walked the README\'s "Without a Dockerfile", line by line in its order', () => expectReadmeWalked('Without a Dockerfile', walked));
});
