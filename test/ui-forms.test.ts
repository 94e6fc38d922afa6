// End to end, forms that forgive (issue 26, items 9 and 10): a service created with a typo in its
// git URL fails to deploy; the URL is corrected on its Settings page in a browser, and the next
// deploy builds and serves. Moved to an image afterwards, it still rolls back to its own earlier
// build. A refused login leaves what was typed in the browser's fields.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { BASE_IMAGE, type SpurProcess, api, cli, logInPage, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const project = uniqueName('forms');
let git: GitServer;
let spur: SpurProcess;
let token: string;
let browser: Browser;
let repo: ReturnType<typeof createRepo>;

beforeAll(async () => {
  ({ git, spur, token, browser } = await startBrowserStack({ project, git: true }));
  repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'first');
});

afterAll(async () => {
  await stopAll({ browser, spur, git }, [project]);
});

const deploy = async () => waitForDeployment(spur, token, (await api(spur, token)('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id);

describe('a service whose source was typed wrong', () => {
  it('is corrected on its Settings page, and the next deploy succeeds', async () => {
    const typo = repo.url.replace(`${project}.git`, `${project}-tpyo.git`);
    expect((await cli(spur, ['service', 'create', project, 'web', '--git', typo, '--port', '3000'])).code).toBe(0);
    const failed = await deploy();
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/could not fetch branch main/);

    const page = await browser.newPage();
    await logInPage(page, spur);
    await page.goto(`${spur.url}/projects/${project}/services/web/settings`);
    await page.getByText('What runs now keeps serving; the next deploy uses the new source.').waitFor();
    await page.getByLabel('Git URL (a repository Spur clones)').fill(repo.url);
    await page.getByRole('button', { name: 'Save source' }).click();
    await page.waitForURL(/\/settings\?env=production$/);
    expect(await page.locator('#flash .toast').textContent()).toMatch(/^Source saved\. .*the next deploy uses the new source\.$/);
    await page.close();

    const fixed = await deploy();
    expect(fixed.status, fixed.failureReason ?? '').toBe('active');
    const status = await api(spur, token)('GET', `/projects/${project}/services/web`);
    expect(status.json.source).toEqual({ type: 'git', gitUrl: repo.url, branch: 'main', rootDir: null, dockerfilePath: null });
    expect(status.json.running).toBe(1);
  });

  it('moved to an image, still rolls back to its own earlier build', async () => {
    expect((await deploy()).status).toBe('active'); // a second build to roll back from
    const moved = await cli(spur, ['service', 'source', project, 'web', '--image', BASE_IMAGE]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain(`web of ${project} now deploys the image ${BASE_IMAGE}.`);
    expect(moved.stdout).toContain('its webhook and deploy key are removed');
    const rolled = await api(spur, token)('POST', `/projects/${project}/services/web/rollback`, {});
    expect(rolled.status, JSON.stringify(rolled.json)).toBe(202);
    const back = await waitForDeployment(spur, token, rolled.json.deployment.id);
    expect(back.status, back.failureReason ?? '').toBe('active');
    expect(back.imageTag).toMatch(new RegExp(`^spur/${project}/web:`));
  });
});

describe('a refused login', () => {
  it('keeps the email and password typed, and says why', async () => {
    const page = await browser.newPage();
    await page.goto(`${spur.url}/login`);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe('owner@example.com');
    expect(await page.getByLabel('Password').inputValue()).toBe('not the password');
    await page.close();
  });
});
