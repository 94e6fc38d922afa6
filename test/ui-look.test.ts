// How the UI looks and how far a keyboard has to travel, measured in a real browser at 1440 and
// 390 px, light and dark: focus indicators at 3:1 or more, dark placeholders at 4.5:1, a dark log
// box that stands apart from the page, the header in one row on a phone, few Tab stops before the
// content, tables that keep their labels on a phone, and one timestamp format.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, cli, stopAll, uniqueName } from './harness.js';
import { startBrowserStack, withLoggedInPage } from './browser-fixture.js';
import { contrast, focusContrast, placeholderContrast, rowsOf, tabStopsBeforeMain, tabsUntil, takeSkipLink, unlabelledColumns } from './ui-checks.js';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts', 'ui-look');
const project = uniqueName('looks');
let spur: SpurProcess;
let browser: Browser;
let token: string;
let deploymentId: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Metrics sampled every second: the server's charts have points within seconds.
  ({ spur, token, browser } = await startBrowserStack({ project, env: { SPUR_METRICS_SAMPLE: '1' } }));
  expect((await cli(spur, ['service', 'create', project, 'web', '--image', 'spur-test/node:bookworm'])).code).toBe(0);
  // One deployment, for the timestamps on the cards and in the deployments table; its outcome does not matter.
  deploymentId = (await api(spur, token)('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id;
}, 120_000);

afterAll(async () => {
  await stopAll({ browser, spur }, [project]);
});

const service = () => `/projects/${project}/services/web`;

/** Runs `body` on a fresh page, logged in, at `width` (light or dark), then closes its context. */
const withPage = (opts: { width: number; dark?: boolean }, body: (page: Page) => Promise<void>) =>
  withLoggedInPage(browser, spur, { viewport: { width: opts.width, height: 900 }, colorScheme: opts.dark ? 'dark' : 'light' }, body);

describe.each([
  ['light at 1440 px', 1440, false],
  ['dark at 1440 px', 1440, true],
  ['dark at 390 px', 390, true],
] as const)('%s', (_label, width, dark) => {
  it('every focus indicator stands out 3:1 from what is next to it (dashboard, service, its settings)', async () => {
    await withPage({ width, dark }, async (page) => {
      const problems: string[] = [];
      for (const path of ['/', service(), `${service()}/settings`]) {
        await page.goto(`${spur.url}${path}`);
        for (const p of await focusContrast(page)) problems.push(`${path}: ${p.element} ${p.indicator} on ${p.against} = ${p.ratio}:1`);
      }
      expect(problems).toEqual([]);
    });
  });
});

describe('dark', () => {
  it('placeholders read at 4.5:1 and the log box stands apart from the page', async () => {
    await withPage({ width: 1440, dark: true }, async (page) => {
      const faint: string[] = [];
      for (const path of [`${service()}/settings`, '/settings', '/keys', `/projects/${project}`]) {
        await page.goto(`${spur.url}${path}`);
        for (const p of await placeholderContrast(page)) faint.push(`${path}: ${p.element} ${p.ratio}:1`);
      }
      expect(faint).toEqual([]);
      await page.goto(`${spur.url}/deployments/${deploymentId}`);
      const [box, around] = (await page.evaluate(`(() => {
        const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
        const ctx = canvas.getContext('2d');
        const rgb = (css) => { ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1); return Array.from(ctx.getImageData(0, 0, 1, 1).data); };
        const log = document.querySelector('pre.log');
        const s = getComputedStyle(log);
        return [rgb(s.borderTopWidth === '0px' ? s.backgroundColor : s.borderTopColor), rgb(getComputedStyle(document.body).backgroundColor)];
      })()`)) as number[][];
      // The box's edge (its border, or its background when it has none) against the page: 3:1 for a boundary that must be seen.
      expect(contrast(box, around)).toBeGreaterThanOrEqual(3);
    });
  });
});

describe('keyboard', () => {
  it('few Tab stops before the content on every page, and the dashboard is a short walk from a service’s Deploy', async () => {
    await withPage({ width: 1440 }, async (page) => {
      const stops: Record<string, number> = {};
      for (const path of ['/', `/projects/${project}`, service(), '/settings']) {
        await page.goto(`${spur.url}${path}`);
        stops[path] = await tabStopsBeforeMain(page);
      }
      console.log('tab stops before <main>', stops);

      // From the dashboard's load to the service's Deploy button, with Tab and Enter: first Tab
      // only, then taking the skip link on each page (Tab, Enter) as a keyboard user learns to.
      const walk = async (skip: boolean) => {
        let presses = 0;
        const steps: number[] = [];
        const go = async (selector: string, url: RegExp) => {
          if (skip) presses += await takeSkipLink(page);
          const n = (await tabsUntil(page, selector, 150, !skip))!;
          steps.push(n);
          presses += n;
          await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);
          presses += 1;
        };
        await page.goto(`${spur.url}/`);
        await go(`main a[href="/projects/${project}"]`, new RegExp(`/projects/${project}$`));
        await go('main a[href*="/services/web"]', /\/services\/web$/);
        if (skip) presses += await takeSkipLink(page);
        const last = (await tabsUntil(page, 'button[data-shortcut="d"]', 150, !skip))!;
        console.log(skip ? 'with skip' : 'tab only', [...steps, last]);
        return presses + last;
      };
      const tabOnly = await walk(false);
      const withSkip = await walk(true);
      console.log('key presses from the dashboard to Deploy', { tabOnly, withSkip });
      // Skip link, four sections and one account menu (room for one more section).
      for (const [path, n] of Object.entries(stops)) expect(n, path).toBeLessThanOrEqual(7);
      // Before: 42 with Tab only, 24 with the skip link. The header's Search (command palette) and
      // the project's Members link each add one stop on their pages, and so do the service's
      // Metrics and Jobs tabs.
      expect(tabOnly).toBeLessThanOrEqual(43);
      expect(withSkip).toBeLessThanOrEqual(15);

      // The skip link takes focus to the content: the next Tab lands inside <main>.
      await page.goto(`${spur.url}${service()}`);
      await takeSkipLink(page);
      await page.keyboard.press('Tab');
      expect(await page.evaluate('!!document.activeElement.closest("main")')).toBe(true);
    });
  });
});

describe('phone, 390 px', () => {
  it('header in one row, service tabs in one row, tables keep their labels, fields fit', async () => {
    await withPage({ width: 390 }, async (page) => {
      for (const path of ['/', service(), '/settings']) {
        await page.goto(`${spur.url}${path}`);
        expect(await rowsOf(page, 'header.top'), `header rows on ${path}`).toBe(1);
      }
      await page.goto(`${spur.url}${service()}`);
      await page.screenshot({ path: join(ARTIFACTS, 'service-390.png') });
      expect(await rowsOf(page, 'nav.tabs'), 'service tabs rows').toBe(1);
      // The account menu opens and its items are reachable.
      await page.locator('header.top summary').click();
      expect(await page.getByRole('button', { name: 'Log out' }).isVisible()).toBe(true);

      await page.goto(`${spur.url}/servers`);
      await page.screenshot({ path: join(ARTIFACTS, 'servers-390.png'), fullPage: true });
      expect(await unlabelledColumns(page)).toEqual([]);
      await page.goto(`${spur.url}${service()}/deployments`);
      expect(await unlabelledColumns(page)).toEqual([]);

      // Every field inside the window, and every select wide enough for the choice it shows.
      await page.goto(`${spur.url}${service()}/settings`);
      // The current tab is in view, not the one cut off at the edge.
      expect(await page.evaluate(`(() => { const t = document.querySelector('nav.tabs [aria-current="page"]').getBoundingClientRect(); const n = document.querySelector('nav.tabs').getBoundingClientRect(); return t.left >= n.left && t.right <= n.right; })()`)).toBe(true);
      const cut = await page.evaluate(`(() => {
        const ctx = document.createElement('canvas').getContext('2d');
        return Array.from(document.querySelectorAll('main select, main input:not([type=hidden])')).filter((el) => {
          const box = el.getBoundingClientRect();
          if (box.width === 0) return false;
          if (box.right > document.documentElement.clientWidth) return true;
          if (el.tagName !== 'SELECT') return false;
          const s = getComputedStyle(el);
          ctx.font = s.font;
          const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 16; // less the arrow
          return ctx.measureText(el.options[el.selectedIndex].text).width > room;
        }).map((el) => el.name);
      })()`);
      await page.screenshot({ path: join(ARTIFACTS, 'service-settings-390.png'), fullPage: true });
      expect(cut).toEqual([]);
    });
  });
});

describe('charts', () => {
  /** Each chart's lines and labels against the chart's own background, and whether the page is wider than the window. */
  const chartLook = (page: Page) =>
    page.evaluate(`(() => {
      const rgb = (s) => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
      const figures = Array.from(document.querySelectorAll('figure.chart'));
      return {
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        charts: figures.map((f) => ({
          title: f.querySelector('figcaption strong').textContent,
          width: f.getBoundingClientRect().width,
          label: f.querySelector('svg').getAttribute('aria-label'),
          background: rgb(getComputedStyle(f).backgroundColor),
          lines: Array.from(f.querySelectorAll('path.line')).map((l) => ({ tone: l.getAttribute('class'), colour: rgb(getComputedStyle(l).stroke) })),
          texts: Array.from(f.querySelectorAll('.y-top, .x-axis time, .chart-key')).map((t) => ({ colour: rgb(getComputedStyle(t).color), size: parseFloat(getComputedStyle(t).fontSize) })),
        })),
      };
    })()`) as Promise<{ overflow: number; charts: { title: string; width: number; label: string; background: number[]; lines: { tone: string; colour: number[] }[]; texts: { colour: number[]; size: number }[] }[] }>;

  it.each([
    ['light at 1440 px', 1440, false],
    ['dark at 390 px', 390, true],
  ] as const)("%s: a server's charts come after its page, fit the window, and their lines and labels read against them", async (label, width, dark) => {
    const manager = (await api(spur, token)('GET', '/servers')).json.servers.find((s: { role: string }) => s.role === 'manager');
    await withPage({ width, dark }, async (page) => {
      await page.goto(`${spur.url}/servers/${manager.name}`);
      // Fetched after the page loaded; retried until the sampler has a minute in progress.
      for (let i = 0; i < 20 && !(await page.locator('figure.chart').count()); i++) {
        await page.waitForTimeout(1000);
        await page.reload();
      }
      await page.locator('figure.chart').first().waitFor();
      const look = await chartLook(page);
      await page.screenshot({ path: join(ARTIFACTS, `server-charts-${width}${dark ? '-dark' : ''}.png`), fullPage: true });
      expect(look.overflow, 'wider than the window').toBeLessThanOrEqual(0);
      expect(look.charts.map((c) => c.title)).toEqual(['CPU', 'Memory', 'Network', 'Disk', 'Load']);
      for (const c of look.charts) {
        expect(c.width, c.title).toBeLessThanOrEqual(width);
        expect(c.label, c.title).toMatch(new RegExp(`^${c.title} of server ${manager.name} over the last hour: `));
        for (const l of c.lines) expect(contrast(l.colour, c.background), `${label} ${c.title} ${l.tone}`).toBeGreaterThanOrEqual(3);
        for (const t of c.texts) {
          expect(contrast(t.colour, c.background), `${label} ${c.title} text`).toBeGreaterThanOrEqual(4.5);
          expect(t.size, `${label} ${c.title} text size`).toBeGreaterThanOrEqual(11);
        }
      }
      // A range switches in place.
      await page.getByRole('link', { name: 'Week' }).first().click();
      await page.locator('.metrics .ranges a[aria-current]', { hasText: 'Week' }).first().waitFor();
      expect(page.url()).toBe(`${spur.url}/servers/${manager.name}`);
    });
  });

  it("the service's Metrics tab keeps the tabs in one row on a phone, and says when it has nothing yet", async () => {
    await withPage({ width: 390, dark: true }, async (page) => {
      await page.goto(`${spur.url}${service()}/metrics?env=production`);
      expect(await rowsOf(page, 'nav.tabs')).toBe(1);
      expect(await page.locator('nav.tabs [aria-current="page"]').textContent()).toBe('Metrics');
      await expect.poll(async () => (await page.locator('figure.chart').count()) + (await page.locator('.metrics p.empty').count())).toBeGreaterThan(0);
      expect((await chartLook(page)).overflow).toBeLessThanOrEqual(0);
    });
  });
});

describe('forms', () => {
  it('each form on the service Settings tab and Spur’s settings has exactly one primary button', async () => {
    await withPage({ width: 1440 }, async (page) => {
      const counts: Record<string, number> = {};
      for (const path of [`${service()}/settings`, '/settings']) {
        await page.goto(`${spur.url}${path}`);
        // Primary: filled with the accent colour (the Deploy button's look). Remove and delete buttons are not saves.
        Object.assign(counts, await page.evaluate(`(() => {
          const accent = getComputedStyle(document.querySelector('button.primary, form.stack > button[type=submit]')).backgroundColor;
          const out = {};
          for (const form of document.querySelectorAll('main form[id]')) {
            if (form.classList.contains('danger')) continue;
            out[${JSON.stringify(path)} + '#' + form.id] = Array.from(form.querySelectorAll('button')).filter((b) => getComputedStyle(b).backgroundColor === accent).length;
          }
          return out;
        })()`));
      }
      expect(Object.keys(counts).length).toBeGreaterThanOrEqual(8);
      expect(Object.entries(counts).filter(([, n]) => n !== 1)).toEqual([]);
    });
  });
});

describe('timestamps', () => {
  it('every page shows times in one format, each a <time> with its exact instant', async () => {
    await withPage({ width: 1440 }, async (page) => {
      const shown: string[] = [];
      for (const path of [`/projects/${project}`, `${service()}/deployments`, `/deployments/${deploymentId}`, '/keys']) {
        await page.goto(`${spur.url}${path}`);
        const times = (await page.evaluate(`Array.from(document.querySelectorAll('main time:not(.ts)')).map((t) => [t.getAttribute('datetime'), t.textContent])`)) as [string, string][];
        for (const [at, text] of times) {
          expect(at, `${path}: datetime of "${text}"`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
          shown.push(`${path}: ${text}`);
        }
      }
      console.log('times shown', shown);
      expect(shown.length).toBeGreaterThanOrEqual(2);
      for (const s of shown) expect(s).toMatch(/: \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      // No bare timestamp outside a <time> in the content.
      await page.goto(`${spur.url}${service()}/deployments`);
      expect(await page.evaluate(`(() => { const m = document.querySelector('main').cloneNode(true); m.querySelectorAll('time, pre').forEach((t) => t.remove()); return m.textContent.match(/\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d/g); })()`)).toBeNull();
    });
  });
});
