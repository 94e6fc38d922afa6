// End to end: services, environments, projects and variables can be deleted — from the UI with a
// typed confirmation, the API and the CLI — and exactly what they own goes from Docker and disk,
// while a neighbour keeps running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, launchBrowser, logInPage, probe, startGitStack, stopAll, uniqueName } from './harness.js';
import { answerProblems } from './api-answers.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('del');
const neighbour = uniqueName('keep');

const swarmServices = async (p: string) => (await docker('service', 'ls', '--format', '{{.Name}}', '--filter', `label=spur.project=${p}`)).split('\n').filter(Boolean).sort();
const images = async (p: string, s: string) => (await docker('image', 'ls', '-q', '--filter', `label=spur.project=${p}`, '--filter', `label=spur.service=${s}`)).split('\n').filter(Boolean);
const networks = async (p: string) => (await docker('network', 'ls', '--format', '{{.Name}}', '--filter', `label=spur.project=${p}`)).split('\n').filter(Boolean).sort();

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack());
  expect((await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'a long password\n')).code).toBe(0);
  const repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('d1'), 'd1');
  for (const p of [project, neighbour]) {
    await cli(spur, ['project', 'create', p]);
    await cli(spur, ['service', 'create', p, 'web', '--git', repo.url]);
  }
  await cli(spur, ['project', 'env', project, 'staging']);
  await cli(spur, ['service', 'create', project, 'api', '--push']);
  await cli(spur, ['service', 'create', project, 'worker', '--git', repo.url]);
  await cli(spur, ['vars', 'set', project, 'web', 'A_KEY=first-value-1', 'B_KEY=second-value-2']);
  for (const [p, s, env] of [[project, 'web', 'production'], [project, 'web', 'staging'], [project, 'worker', 'production'], [neighbour, 'web', 'production']]) {
    const r = await cli(spur, ['deploy', p, s, '--env', env]);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => stopAll({ spur, git }, [project, neighbour]));

describe('deleting', () => {
  it('a variable, from the CLI; an unknown one is a 404', async () => {
    const unset = await cli(spur, ['vars', 'unset', project, 'web', 'A_KEY', '--json']);
    expect(unset.code, unset.stderr).toBe(0);
    expect(Object.keys(JSON.parse(unset.stdout).variables)).toEqual(['B_KEY']);
    expect((await api(spur, token)('DELETE', `/projects/${project}/services/web/variables/NOPE`)).status).toBe(404);
  });

  it('refuses without the typed confirmation, and changes nothing', async () => {
    expect((await cli(spur, ['service', 'delete', project, 'worker'])).stderr.trim()).toBe(`spur: this deletes service worker of ${project} in every environment, with its images and repository (its volumes are kept; --delete-volumes removes them too); add --yes to go ahead`);
    const wrong = await api(spur, token)('DELETE', `/projects/${project}/services/worker`, { confirm: 'web' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe('confirm: type the name (worker) to confirm');
    expect((await api(spur, token)('DELETE', `/projects/${project}/environments/production`, { confirm: 'production' })).status).toBe(409);
    expect(await swarmServices(project)).toEqual([`spur_${project}_web_production`, `spur_${project}_web_staging`, `spur_${project}_worker_production`]);
  });

  it('a service, from the CLI: its Swarm services, images and repository, nothing else', async () => {
    expect((await images(project, 'worker')).length).toBeGreaterThan(0);
    const res = await cli(spur, ['service', 'delete', project, 'worker', '--yes', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(answerProblems('DELETE /projects/:project/services/:service', { status: 200, text: res.stdout })).toEqual([]);
    expect(await swarmServices(project)).toEqual([`spur_${project}_web_production`, `spur_${project}_web_staging`]);
    expect(await images(project, 'worker')).toEqual([]);
    expect((await images(project, 'web')).length).toBeGreaterThan(0);
    expect((await api(spur, token)('GET', `/projects/${project}/services/worker`)).status).toBe(404);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from d1\n');
  });

  it('an environment, in the browser with the typed name: its services and network go', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await logInPage(page, spur);
      await page.goto(`${spur.url}/projects/${project}`);
      await page.getByText('Environments and deletion').click();
      await page.getByLabel('Type staging to confirm').fill('stagin');
      await page.getByRole('button', { name: 'Delete staging' }).click();
      expect(page.url()).toBe(`${spur.url}/projects/${project}`);
      expect(await swarmServices(project)).toContain(`spur_${project}_web_staging`);
      await page.getByLabel('Type staging to confirm').fill('staging');
      await page.getByRole('button', { name: 'Delete staging' }).click();
      // The form answers in place, then the page reloads with a toast.
      await expect.poll(() => page.locator('#flash .toast').textContent().catch(() => null), { timeout: 60_000 }).toBe('Environment staging deleted');
      expect(await page.locator('main p.muted').first().textContent()).toBe('Environments: production');
    } finally {
      await browser.close();
    }
    expect(await swarmServices(project)).toEqual([`spur_${project}_web_production`]);
    expect(await networks(project)).toEqual([`spur_${project}_production`]);
  });

  it('a project, from the API: everything it owns goes, its neighbour keeps serving', async () => {
    const res = await api(spur, token)('DELETE', `/projects/${project}`, { confirm: project });
    expect(res.status, res.json.error).toBe(200);
    expect(await swarmServices(project)).toEqual([]);
    expect(await networks(project)).toEqual([]);
    expect(await images(project, 'web')).toEqual([]);
    expect((await api(spur, token)('GET', `/projects/${project}`)).status).toBe(404);
    expect((await cli(spur, ['project', 'list'])).stdout).not.toContain(project);
    expect((await probe(`spur_${neighbour}_production`, 'http://web:3000/')).body).toBe('hello from d1\n');
  });
});
