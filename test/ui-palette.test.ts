// Browser: the command palette (issue 26, item 16). Ctrl-K opens it, also from inside a field;
// a service's name and Enter go to it; "deploy web" asks the server's question and, once
// answered yes, starts a deployment that Spur records; Escape closes it and focus goes back; the
// open palette has no serious accessibility violation and fits a phone.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, logInPage, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const AXE = require.resolve('axe-core/axe.min.js');
const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts', 'ui');
const project = uniqueName('pal');
let spur: SpurProcess;
let token: string;
let browser: Browser;
/** The owner's session, logged in once and reused by every test's context. */
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
  ({ spur, token, browser } = await startBrowserStack());
  expect((await api(spur, token)('POST', '/projects', { name: project })).status).toBe(201);
  // An image present on the test host: a deploy needs no build.
  expect((await api(spur, token)('POST', `/projects/${project}/services`, { name: 'web', image: 'redis:7', port: 6379 })).status).toBe(201);
  const context = await browser.newContext();
  await logInPage(await context.newPage(), spur);
  signedIn = await context.storageState();
  await context.close();
});

afterAll(() => stopAll({ browser, spur }, [project]));

async function withPage(opts: { width: number; height: number; colorScheme?: 'light' | 'dark'; bypassCSP?: boolean }, body: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: opts.width, height: opts.height }, colorScheme: opts.colorScheme ?? 'light', bypassCSP: opts.bypassCSP, storageState: signedIn });
  const page = await context.newPage();
  try {
    await body(page);
  } finally {
    await context.close();
  }
}

const palette = (page: Page) => page.locator('dialog#palette');
const focusedId = (page: Page) => page.evaluate('document.activeElement ? document.activeElement.id : ""') as Promise<string>;
const chosen = (page: Page) => page.locator('#palette [role="option"][aria-selected="true"]');

describe('the command palette', () => {
  it('opens with Ctrl-K from inside a field, closes with Escape giving focus back, and goes to a service by name with Enter', async () => {
    await withPage({ width: 1440, height: 900 }, async (page) => {
      await page.goto(`${spur.url}/keys`);
      const field = page.getByLabel('Name');
      await field.focus();
      await field.pressSequentially('ab');
      await page.keyboard.press('Control+k');
      await expect.poll(() => palette(page).evaluate((d: { open: boolean }) => d.open)).toBe(true);
      expect(await focusedId(page)).toBe('palette-input');
      expect(await field.inputValue()).toBe('ab'); // nothing typed into the field behind
      await page.keyboard.press('Escape');
      await expect.poll(() => palette(page).evaluate((d: { open: boolean }) => d.open)).toBe(false);
      expect(await page.evaluate('document.activeElement.name')).toBe('name');

      await page.keyboard.press('Control+k');
      await page.keyboard.type('web');
      await expect.poll(() => chosen(page).textContent()).toMatch(new RegExp(`Service\\s+web\\s+${project} · production`));
      expect(await page.locator('#palette-input').getAttribute('aria-activedescendant')).toBe(await chosen(page).getAttribute('id'));
      await page.keyboard.press('Enter');
      await page.waitForURL(`${spur.url}/projects/${project}/services/web?env=production`);
    });
  });

  it('"deploy web" asks the server’s question; no starts nothing, yes starts a deployment that shows up; "rollback web" with nothing earlier says so', async () => {
    await withPage({ width: 1440, height: 900 }, async (page) => {
      const questions: string[] = [];
      let answer = false;
      page.on('dialog', (d) => {
        questions.push(d.message());
        void (answer ? d.accept() : d.dismiss());
      });
      const deployments = async () => (await api(spur, token)('GET', `/projects/${project}/services/web/deployments`)).json.deployments as { id: number; trigger: string }[];
      const before = (await deployments()).length;
      const runDeploy = async () => {
        await page.keyboard.press('Control+k');
        await page.keyboard.type('deploy web');
        await expect.poll(() => chosen(page).textContent()).toMatch(new RegExp(`Deploy web\\s+${project} · production`));
        await page.keyboard.press('Enter');
      };
      await page.goto(`${spur.url}/projects/${project}`);
      // Nothing served before: the rollback is listed, says why it cannot run, and asks nothing.
      await page.keyboard.press('Control+k');
      await page.keyboard.type('rollback web');
      await expect.poll(() => chosen(page).textContent()).toMatch(/Roll back web\s+.* · nothing earlier to roll back to/);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#palette .palette-said').textContent()).toMatch(/^This cannot run now: Roll back web/);
      expect(questions).toEqual([]);
      await page.keyboard.press('Escape');

      await runDeploy();
      await expect.poll(() => questions).toEqual(['Deploy web to production now? The new version replaces the one serving once it is healthy.']);
      expect(await palette(page).evaluate((d: { open: boolean }) => d.open)).toBe(true);
      expect((await deployments()).length).toBe(before);
      await page.keyboard.press('Escape');

      answer = true;
      await runDeploy();
      await page.waitForURL(/\/deployments\/\d+$/);
      const id = Number(/\/deployments\/(\d+)$/.exec(page.url())![1]);
      expect(questions).toHaveLength(2);
      expect((await deployments()).map((d) => [d.id, d.trigger])).toContainEqual([id, 'ui:owner@example.com']);
      expect(await page.locator('main').textContent()).toMatch(new RegExp(`#${id}`));
      // Let it finish before the project's Docker objects are removed.
      await waitForDeployment(spur, token, id);
    });
  });

  it('has no serious or critical accessibility violation when open, and fits 390 px (opened with the header button)', async () => {
    const problems: string[] = [];
    for (const [width, height, colorScheme] of [[1440, 900, 'light'], [390, 844, 'dark']] as const) {
      await withPage({ width, height, colorScheme, bypassCSP: true }, async (page) => {
        await page.goto(`${spur.url}/projects/${project}`);
        await page.getByRole('button', { name: 'Search' }).click();
        await page.keyboard.type('w');
        await expect.poll(() => chosen(page).count()).toBe(1);
        await page.keyboard.press('ArrowDown');
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
        if (overflow > 0) problems.push(`${width}px: ${overflow}px wider than the window`);
        const box = await palette(page).boundingBox();
        if (!box || box.x < 0 || box.x + box.width > width) problems.push(`${width}px: the palette is outside the window (${JSON.stringify(box)})`);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `palette-${width}-${colorScheme}.png`) });
        await page.addScriptTag({ path: AXE });
        const violations = (await page.evaluate("axe.run(document.querySelector('#palette'), { resultTypes: ['violations'] }).then((r) => r.violations)")) as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) problems.push(`${width}px ${colorScheme}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
    }
    expect(problems).toEqual([]);
  });
});
