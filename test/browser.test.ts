// A real browser: set up the owner, create a project and a service, deploy, watch the build log
// arrive live and the deployment become active.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles, startGitServer } from './fixtures/git-server.js';
import { type SpurProcess, stopAll, launchBrowser, probe, startSpur, uniqueName } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let browser: Browser;
const project = uniqueName('ui');

beforeAll(async () => {
  git = await startGitServer();
  spur = await startSpur({ env: git.spurEnv });
  browser = await launchBrowser();
});

afterAll(() => stopAll({ browser, spur, git }, [project]));

it('sets up, creates a project and a service, deploys and shows the live build log', async () => {
  const repo = createRepo(git, `${project}.git`);
  // A slow build step, so the log is seen arriving while the deployment is still building.
  repo.commit({ ...helloAppFiles('ui'), Dockerfile: helloAppFiles('ui').Dockerfile.replace('CMD', 'RUN echo build-step-one && sleep 3 && echo build-step-two\nCMD') }, 'ui commit');
  const setupToken = /setup token (\S+)/.exec(spur.output())![1];

  const page = await browser.newPage();
  await page.goto(spur.url);
  expect(page.url()).toBe(`${spur.url}/setup`);
  await page.getByLabel('Setup token').fill(setupToken);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Create owner' }).click();
  await page.waitForURL(`${spur.url}/`);

  // Log out and in again, as a returning user would.
  // Log out sits in the account menu, opened from the header.
  await page.locator('header.top details.account > summary').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login$/);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${spur.url}/`);

  await page.getByLabel('Project name').fill(project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(`${spur.url}/projects/${project}`);

  await page.getByLabel('Name', { exact: true }).fill('web');
  await page.getByLabel('Git URL').fill(repo.url);
  await page.getByRole('button', { name: 'Create only' }).click();
  await page.waitForURL(`${spur.url}/projects/${project}/services/web`);
  expect(await page.locator('dt:has-text("Serving") + dd').textContent()).toBe('nothing');

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  // It asks first, then goes to the new deployment.
  await page.locator('dialog.confirm button[value="yes"]').click();
  await page.waitForURL(/\/deployments\/\d+$/);
  const log = page.locator('#build-log');
  const status = page.locator('#status [data-status]');

  // The first build line appears while the deployment is still building: it arrived live.
  // (Each build line starts with the time it was written.)
  await log.getByText(/^\d\d:\d\d:\d\d build-step-one$/).waitFor({ timeout: 60_000 });
  expect(await status.getAttribute('data-status')).toBe('building');
  await expect.poll(() => status.getAttribute('data-status'), { timeout: 120_000 }).toBe('active');
  expect(await log.textContent()).toContain('build-step-two');
  expect(await log.textContent()).toMatch(/Deployment \d+ is active\./);

  expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from ui\n');

  await page.goto(`${spur.url}/projects/${project}/services/web`);
  expect(await page.locator('dt:has-text("Serving") + dd .badge').getAttribute('data-status')).toBe('active');
  expect(await page.locator('dt:has-text("Replicas") + dd').textContent()).toBe('1 of 1 running');
  expect(await page.locator('dt:has-text("Latest attempt")').count()).toBe(0);
});
