// The project canvas in a real browser: a service and the database its variable references are two
// cards with one line between them and that line in words; a deploy changes the service's state
// on the open page without a reload; at phone width the canvas is a list. Keeps the screenshot
// the README shows (test-artifacts/ui/project-canvas.png, 1440 px).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, cli, logInPage, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts', 'ui');
const AXE = require.resolve('axe-core/axe.min.js');
const project = uniqueName('canvas');
let spur: SpurProcess;
let token: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ spur, token, browser } = await startBrowserStack({ project }));
  expect((await cli(spur, ['service', 'create', project, 'web', '--image', 'redis:7', '--port', '6379'])).code).toBe(0);
  expect((await cli(spur, ['db', 'create', project, 'cache', '--engine', 'redis'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'REDIS_URL=${{cache.REDIS_URL}}'])).code).toBe(0);
  // bypassCSP: Spur's CSP forbids inline scripts, and axe-core is injected as one.
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  page = await context.newPage();
  await page.addInitScript("document.addEventListener('htmx:sseOpen', () => { window.sseOpen = true; })");
  await logInPage(page, spur);
});

afterAll(async () => {
  await context?.close();
  await stopAll({ browser, spur }, [project]);
});

describe('project canvas', () => {
  it('shows the service and the database as two cards joined by one line, said in words, each card reachable by keyboard', async () => {
    const sent = await page.goto(`${spur.url}/projects/${project}`);
    // The browser takes gzip, and the page comes gzipped (src/http/compress.ts).
    expect(sent!.headers()['content-encoding']).toBe('gzip');
    await expect.poll(() => page.locator('.canvas-card').count()).toBe(2);
    // Measured in the page (waiting for each element): a live update may swap the canvas in between,
    // and a box taken of the element it replaced is null (a rehearsal failed so).
    const box = (selector: string) => page.locator(selector).evaluate((el) => ({ x: el.getBoundingClientRect().x, width: el.getBoundingClientRect().width }));
    const web = await box('[data-service="web"]');
    const cache = await box('[data-database="cache"]');
    // Databases on the left, the service that uses it to their right.
    expect(cache.x + cache.width).toBeLessThan(web.x);
    const lines = page.locator('path.canvas-line');
    expect(await lines.count()).toBe(1);
    expect([await lines.getAttribute('data-from'), await lines.getAttribute('data-to')]).toEqual(['web', 'cache']);
    // The line runs across the gap between them, from one card's edge to the other's (give or
    // take its stroke and arrowhead).
    const line = await box('path.canvas-line');
    expect(Math.abs(line.x - (cache.x + cache.width))).toBeLessThan(8);
    expect(Math.abs(line.x + line.width - web.x)).toBeLessThan(8);
    await expect.poll(() => page.getByText('web uses cache (REDIS_URL)').isVisible()).toBe(true);
    // Tab reaches each card's link.
    const reached = new Set<string>();
    for (let i = 0; i < 40 && reached.size < 2; i++) {
      await page.keyboard.press('Tab');
      const name = (await page.evaluate("document.activeElement?.classList.contains('canvas-name') ? document.activeElement.textContent : null")) as string | null;
      if (name) reached.add(name);
    }
    expect([...reached].sort()).toEqual(['cache', 'web']);
    expect(await seriousViolations()).toEqual([]);
  });

  it("a deploy changes the service card's state on the open page, without a reload", async () => {
    await page.goto(`${spur.url}/projects/${project}`);
    await page.waitForFunction('window.sseOpen === true');
    await page.evaluate('window.sameDocument = true');
    const state = page.locator('[data-service="web"] .canvas-state');
    expect(await state.textContent()).toBe('never deployed');
    // The CLI follows the deployment to its end; the page must change long before.
    const deploying = cli(spur, ['deploy', project, 'web']);
    await expect.poll(() => state.textContent(), { timeout: 15_000 }).not.toBe('never deployed');
    expect(await page.evaluate('window.sameDocument === true')).toBe(true);
    expect((await waitForDeployment(spur, token, await latestId(), ['active', 'failed'], 120_000)).status).toBe('active');
    await deploying;
    await expect.poll(() => state.textContent(), { timeout: 15_000 }).toMatch(/^serving #\d+$/);
    expect(await page.evaluate('window.sameDocument === true')).toBe(true);
    await page.screenshot({ path: resolve(ARTIFACTS, 'project-canvas.png') });
  });

  it('at 390 px the canvas is a list: cards stacked, no lines drawn, the connection in words, no sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${spur.url}/projects/${project}`);
    expect(await page.locator('svg.canvas-lines').isVisible()).toBe(false);
    const first = (await page.locator('.canvas-card').nth(0).boundingBox())!;
    const second = (await page.locator('.canvas-card').nth(1).boundingBox())!;
    expect(second.y).toBeGreaterThanOrEqual(first.y + first.height);
    expect(Math.abs(second.x - first.x)).toBeLessThan(1);
    expect(first.x + first.width).toBeLessThanOrEqual(390);
    expect(await page.getByText('web uses cache (REDIS_URL)').isVisible()).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await seriousViolations()).toEqual([]);
  });

  it("the dashboard: the project with web's state in words, and the deploy with who asked (the CLI's token owner)", async () => {
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.goto(`${spur.url}/`);
      expect(await page.locator(`[data-project="${project}"] .service-states li`).first().textContent()).toContain('web: serving');
      expect((await page.locator('.activity li').first().textContent())!.replace(/\s+/g, ' ')).toContain(`owner@example.com deployed web (${project}, production)`);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      expect(await seriousViolations()).toEqual([]);
    }
  });
});

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
async function seriousViolations(): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

async function latestId(): Promise<number> {
  const res = await fetch(`${spur.url}/api/v1/projects/${project}/services/web/deployments`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await res.json()) as { deployments: { id: number }[] }).deployments[0].id;
}
