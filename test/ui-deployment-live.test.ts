// The deployment page in a real browser, against the real daemon: its commit, image and steps
// (with their times) arrive while it runs, without a reload, for a build that becomes active and
// an image that crashes; and the service's Replicas fact says the truth in words after that
// failed image deploy, as Docker has it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, logInPage, stopAll, uniqueName } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const project = uniqueName('live');
const crashImage = `spur-test/${project}-crash:1`;
let git: GitServer;
let spur: SpurProcess;
let token: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ git, spur, token, browser } = await startBrowserStack({ project, git: true }));
  const repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'first version');
  // An image whose process exits at once: a failed first deploy of an image service.
  const context = mkdtempSync(join(tmpdir(), 'spur-live-crash-'));
  writeFileSync(join(context, 'Dockerfile'), 'FROM spur-test/node:bookworm\nCMD ["node", "-e", "console.log(\'cannot start\'); process.exit(3)"]\n');
  await docker('build', '-q', '--label', `spur.test=${project}`, '-t', crashImage, context);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'broken', '--image', crashImage])).code).toBe(0);
  // A pre-deploy command on web only: its step shows there, and not on the service without one.
  expect((await cli(spur, ['settings', project, 'web', '--release-command', 'node --version'])).code).toBe(0);
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await logInPage(page, spur);
}, 120_000);

afterAll(async () => {
  await stopAll({ browser, spur, git }, [project]);
  await docker('image', 'rm', '-f', crashImage).catch(() => '');
});

/** Opens a deployment's page and marks the document: the mark is gone if the page reloads. */
async function openLive(id: number) {
  await page.goto(`${spur.url}/deployments/${id}`);
  const first = { facts: await page.locator('#deployment-facts').innerText(), steps: await page.locator('#deployment-steps').innerText() };
  await page.evaluate("window.spurMark = 'not reloaded'");
  return first;
}
const stillTheSameDocument = () => page.evaluate('window.spurMark');
const stepsShown = () => page.locator('#deployment-steps li').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-step')} ${li.getAttribute('data-state')}: ${li.textContent}`));

describe('the deployment page, live', () => {
  it('fills in the commit, the image and each step with its time while a build deploys, without a reload', async () => {
    const { json } = await api(spur, token)('POST', `/projects/${project}/services/web/deployments`);
    const id = json.deployment.id as number;
    const first = await openLive(id);
    // What the page said when it loaded: not yet built, not yet active.
    expect(first.facts).toMatch(/Image\s+not built yet/);
    expect(first.steps).not.toContain('Active');

    await page.locator('#deployment-steps [data-step="active"]').waitFor({ timeout: 180_000 });
    expect(await stillTheSameDocument()).toBe('not reloaded');
    const facts = await page.locator('#deployment-facts').innerText();
    expect(facts).toMatch(/Commit\s+[0-9a-f]{12} first version/);
    expect(facts).toMatch(new RegExp(`Image\\s+spur/${project}/web:${id}-`));
    const steps = await stepsShown();
    expect(steps.map((s) => s.split(':')[0])).toEqual(['queued done', 'fetch done', 'build done', 'release done', 'rollout done', 'health done', 'active done']);
    for (const s of steps.slice(0, -1)) expect(s).toMatch(/done\d+(\.\d)? s$|done\d+ min( \d+ s)?$/);
    expect(await page.locator('#status').innerText()).toBe('active');

    // The JSON API's deployment body has the same steps, with their times.
    const body = (await api(spur, token)('GET', `/deployments/${id}`)).json.deployment;
    expect(body.steps.map((s: { name: string }) => s.name)).toEqual(['queued', 'fetch', 'build', 'release', 'rollout', 'health', 'active']);
    expect(body.steps[2]).toMatchObject({ label: 'Build image', state: 'done', seconds: expect.any(Number), startedAt: expect.any(String), finishedAt: expect.any(String) });

    // Its Replicas fact, as Docker has it.
    const running = (await docker('service', 'ps', `spur_${project}_web_production`, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}')).split('\n').filter((l) => l.startsWith('Running')).length;
    expect(running).toBe(1);
    await page.goto(`${spur.url}/projects/${project}/services/web`);
    expect(await page.locator('dt:text-is("Replicas") + dd').innerText()).toBe('1 of 1 running');
  }, 200_000);

  it('shows where an image that crashes failed, then Replicas says no version has started, as Docker has it', async () => {
    const { json } = await api(spur, token)('POST', `/projects/${project}/services/broken/deployments`);
    const id = json.deployment.id as number;
    await openLive(id);
    await page.locator('#deployment-steps [data-step="failed"]').waitFor({ timeout: 120_000 });
    expect(await stillTheSameDocument()).toBe('not reloaded');
    expect(await page.locator('#deployment-facts').innerText()).toMatch(new RegExp(`Image\\s+${crashImage.replace(/[.:/]/g, '\\$&')}`));
    const steps = (await stepsShown()).map((s) => s.split(':')[0]);
    // An image service has no fetch or build, and this one no pre-deploy command; the step it failed in says so.
    expect(steps[0]).toBe('queued done');
    expect(steps.filter((s) => /^(fetch|build|release) /.test(s))).toEqual([]);
    expect(steps.filter((s) => s.endsWith(' failed'))).toEqual([expect.stringMatching(/^(rollout|health) failed$/), 'failed failed']);
    expect(await page.locator('#reason').innerText()).toContain('exited with code 3');

    // Docker answers: it has no such service (the failed first deploy removed it), and the web one runs.
    expect(await docker('service', 'ls', '-q', '--filter', `name=spur_${project}_broken_production`)).toBe('');
    await page.goto(`${spur.url}/projects/${project}/services/broken`);
    expect(await page.locator('dt:text-is("Replicas") + dd').innerText()).toBe('0 of 1 running: no version has started yet (the last deploy failed)');
    expect((await cli(spur, ['status', project, 'broken'])).stdout).toContain('Replicas:       0 of 1 running: no version has started yet (the last deploy failed)');
  }, 150_000);
});
