// Faults as a person reads them, on a real Swarm: a database whose image does not exist is shown
// down with Docker's reason (its page, the project page, the dashboard) within seconds; a new
// version that crashes while the previous one serves is "serving #1, #2 failed", never "down" or
// "failed" alone, and its reason says what the app printed, in order, with a way to its output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, type SpurProcess, api, cli, docker, logInPage, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const project = uniqueName('fault');
const image = `spur-test/${project}:1`;
const missing = `spur-test/${project}-missing:1`;
let spur: SpurProcess;
let token: string;
let browser: Browser;
let page: Page;
let serving: number;
let crashed: number;

// Serves on 3000; with CRASH set, prints three lines (the last on stderr) and exits with 1.
const APP = "if (process.env.CRASH) { console.log('starting v2'); console.log('reading configuration'); setTimeout(() => { console.error('fatal: DATABASE_URL is not set'); process.exit(1); }, 100); } else require('http').createServer((q, s) => s.end('hello')).listen(3000);";

beforeAll(async () => {
  const context = mkdtempSync(join(tmpdir(), 'spur-fault-'));
  writeFileSync(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCMD ["node", "-e", ${JSON.stringify(APP)}]\n`);
  await docker('build', '-q', '-t', image, context);
  rmSync(context, { recursive: true, force: true });
  ({ spur, token, browser } = await startBrowserStack({ project }));
  const call = api(spur, token);
  expect((await cli(spur, ['service', 'create', project, 'web', '--image', image, '--port', '3000'])).code).toBe(0);
  // The database is made while web deploys: its task is rejected from the first.
  const database = cli(spur, ['db', 'create', project, 'pg', '--engine', 'postgres', '--image', missing]);
  serving = (await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id;
  expect((await waitForDeployment(spur, token, serving)).status).toBe('active');
  expect((await cli(spur, ['vars', 'set', project, 'web', 'CRASH=1'])).code).toBe(0);
  crashed = (await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id;
  expect((await waitForDeployment(spur, token, crashed)).status).toBe('failed');
  const made = await database;
  expect(made.code, made.stderr).toBe(0);
  page = await browser.newPage();
  await logInPage(page, spur);
}, 150_000);

afterAll(async () => {
  await stopAll({ browser, spur }, [project]);
  await docker('image', 'rm', '-f', image).catch(() => '');
});

/** The text of a page once `pattern` shows in it (a Swarm task is rejected every few seconds). */
async function textOnceShown(url: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(`${spur.url}${url}`);
    const text = await page.locator('main').innerText();
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('status that says what is wrong', () => {
  it("a database whose image does not exist is down, with Docker's reason, on its page, the project page, the dashboard and the CLI", async () => {
    const reason = `Docker cannot find the image ${missing}`;
    const own = await textOnceShown(`/projects/${project}/databases/pg`, new RegExp(reason));
    expect(own).toContain(reason);
    expect(own).not.toMatch(/\bstarting\b/);
    const onProject = await textOnceShown(`/projects/${project}`, new RegExp(reason));
    expect(onProject).toMatch(new RegExp(`pg[^]*down[^]*${reason}`));
    // The dashboard's attention list names it first, with why.
    await textOnceShown('/', new RegExp(`down: ${reason}`));
    expect(await page.locator('#live-attention li', { hasText: `pg (${project}, production)` }).innerText()).toContain(`down: ${reason}`);
    expect((await cli(spur, ['db', 'list', project])).stdout).toContain(reason);
  });

  it('a new version that crashes while the previous one serves: in words, the same everywhere, its output in the logs', async () => {
    const words = `serving #${serving}, #${crashed} failed`;
    const { json } = await api(spur, token)('GET', `/deployments/${crashed}`);
    expect(json.deployment.failureReason).toBe(`Your app exited with code 1 right after starting: starting v2 / reading configuration / fatal: DATABASE_URL is not set. #${serving} keeps serving.`);
    await textOnceShown('/', new RegExp(words));
    // Colour agrees with the words: web's mark is the "needs attention" one, not "down" (pg's is).
    const card = page.locator(`li.project-card[data-project="${project}"] .service-states li`);
    expect(await card.filter({ hasText: 'web' }).locator('.state-mark').textContent()).toBe(words);
    expect(await card.filter({ hasText: 'web' }).locator('.state-mark').getAttribute('data-kind')).toBe('attention');
    expect(await card.filter({ hasText: 'pg' }).locator('.state-mark').getAttribute('data-kind')).toBe('down');
    expect(await textOnceShown(`/projects/${project}`, new RegExp(words))).toContain(words);
    expect(await page.locator('[data-service="web"] [data-kind]').first().getAttribute('data-kind')).toBe('attention');
    expect(await textOnceShown(`/projects/${project}/services/web`, new RegExp(words))).toContain(words);

    await page.goto(`${spur.url}/deployments/${crashed}`);
    await expect.poll(() => page.locator('#reason').innerText()).toContain('Your app exited with code 1 right after starting');
    await page.getByRole('link', { name: /its output/i }).click();
    await expect.poll(() => page.locator('#runtime-log').innerText(), { timeout: 15_000 }).toContain('fatal: DATABASE_URL is not set');
    const log = await page.locator('#runtime-log').innerText();
    expect(log.indexOf('starting v2')).toBeLessThan(log.indexOf('fatal: DATABASE_URL is not set'));
  });
});
