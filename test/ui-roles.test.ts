// Browser: a page says only true things to each role (issue 28, Roles). A viewer of a project
// opens its service in a real browser: every tab reads (variables by name, masked; settings in
// greyed fields) and offers no control that changes anything; the `d` shortcut deploys nothing,
// and the palette does not offer "deploy".
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, stopAll, uniqueName } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts', 'ui');
const project = uniqueName('roles');
const VIEWER = { email: 'viewer@example.com', password: 'a viewer password' };
let spur: SpurProcess;
let token: string;
let browser: Browser;

beforeAll(async () => {
  ({ spur, token, browser } = await startBrowserStack());
  const call = api(spur, token);
  expect((await call('POST', '/projects', { name: project })).status).toBe(201);
  expect((await call('POST', `/projects/${project}/services`, { name: 'web', image: 'redis:7', port: 6379 })).status).toBe(201);
  expect((await call('PUT', `/projects/${project}/services/web/variables`, { GREETING: 'hello-secret' })).status).toBe(200);
  expect((await call('POST', '/users', { email: VIEWER.email, password: VIEWER.password })).status).toBe(201);
  expect((await call('POST', `/projects/${project}/members`, { email: VIEWER.email, role: 'viewer' })).status).toBe(201);
});

afterAll(() => stopAll({ browser, spur }, [project]));

async function asViewer(body: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${spur.url}/login`);
    await page.getByLabel('Email').fill(VIEWER.email);
    await page.getByLabel('Password').fill(VIEWER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${spur.url}/`);
    await body(page);
  } finally {
    await context.close();
  }
}

/** The forms of the page that post anywhere but the log-out, and the enabled submit buttons. */
const changeControls = (page: Page) =>
  page.evaluate(`[
    ...[...document.querySelectorAll('form[method="post"]')].map((f) => f.getAttribute('action') || '').filter((a) => a !== '/logout'),
    ...[...document.querySelectorAll('button[type="submit"]:not(:disabled)')].map((b) => (b.textContent || '').trim()).filter((t) => t !== 'Log out'),
    ...[...document.querySelectorAll('[hx-post], [hx-get*="/value"], [data-shortcut]')].map((e) => e.outerHTML.slice(0, 80)),
  ]`) as Promise<string[]>;

describe('a viewer in the browser', () => {
  it('reads every tab of a service with no control that changes it; `d` deploys nothing and the palette offers no deploy', async () => {
    await asViewer(async (page) => {
      const base = `${spur.url}/projects/${project}/services/web`;
      for (const tab of ['', '/deployments', '/variables', '/settings', '/logs']) {
        await page.goto(`${base}${tab}?env=production`);
        expect(await changeControls(page), `controls on ${tab || 'overview'}`).toEqual([]);
      }
      await page.goto(`${base}/variables?env=production`);
      await expect.poll(() => page.locator('table.vars code').first().textContent()).toBe('GREETING');
      expect(await page.content()).not.toContain('hello-secret');
      await page.goto(`${base}/settings?env=production`);
      expect(await page.getByLabel('Port', { exact: true }).first().isDisabled()).toBe(true);
      expect(await page.getByLabel('Port', { exact: true }).first().inputValue()).toBe('6379');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'viewer-settings.png'), fullPage: true });

      // The Deploy shortcut: pressed on the overview, nothing is posted and no deployment exists.
      await page.goto(`${base}?env=production`);
      const posts: string[] = [];
      page.on('request', (r) => void (r.method() === 'POST' && posts.push(r.url())));
      await page.locator('body').press('d');
      await page.waitForTimeout(500);
      expect(posts).toEqual([]);
      expect(page.url()).toBe(`${base}?env=production`);
      expect((await api(spur, token)('GET', `/projects/${project}/services/web/deployments`)).json.deployments).toEqual([]);

      // The palette: "deploy web" finds nothing to run; "logs web" is offered.
      await page.keyboard.press('Control+k');
      await page.keyboard.type('deploy web');
      await expect.poll(() => page.locator('#palette .palette-said').textContent()).toBe('Nothing matches “deploy web”.');
      expect(await page.locator('#palette [data-post]').count()).toBe(0);
      await page.locator('#palette-input').fill('logs web');
      await expect.poll(() => page.locator('#palette [role="option"]').first().textContent()).toContain('Logs of web');
    });
  });
});
