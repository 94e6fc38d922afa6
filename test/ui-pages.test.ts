// Every page of the web UI, in a real browser at desktop (1440×900) and phone (390×844) width, in
// light and dark: no horizontal scrolling, no serious or critical accessibility violation (axe-core),
// and a screenshot of each kept under test-artifacts/ui/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cleanupProject, cli, launchBrowser, startGitStack, uniqueName, waitForDeployment } from './harness.js';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts', 'ui');
const AXE = require.resolve('axe-core/axe.min.js');
const project = uniqueName('look');
let git: GitServer;
let spur: SpurProcess;
let browser: Browser;
let deploymentId: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  let token: string;
  ({ git, spur, token } = await startGitStack());
  await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'a long password\n');
  const repo = createRepo(git, `${project}.git`);
  const app = helloAppFiles('v1');
  // Coloured, numerous lines at start: for the log viewer's colours, filter and follow.
  const chatty = "for (let i = 1; i <= 300; i++) console.log('line ' + i);\nconsole.log('\\x1b[1;31mred alert\\x1b[0m and plain');\n";
  repo.commit({ ...app, 'server.js': chatty + app['server.js'], Dockerfile: app.Dockerfile.replace('CMD', "RUN printf '\\033[32mgreen step\\033[0m\\n'\nCMD") }, 'first version with a commit message long enough to wrap on a phone');
  await cli(spur, ['project', 'create', project]);
  await cli(spur, ['project', 'env', project, 'staging']);
  await cli(spur, ['service', 'create', project, 'web', '--git', repo.url]);
  expect((await cli(spur, ['service', 'create', project, 'worker-long-name', '--image', 'spur-test/node:bookworm'])).code).toBe(0);
  await cli(spur, ['vars', 'set', project, 'web', 'DATABASE_URL=postgres://user:pass@db:5432/app', 'GREETING=hello']);
  const created = await api(spur, token)('POST', `/projects/${project}/services/web/deployments`);
  deploymentId = created.json.deployment.id;
  expect((await waitForDeployment(spur, token, deploymentId)).status).toBe('active');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await spur?.stop();
  await git?.close();
  await cleanupProject(project);
});

const pages = () => [
  ['login', '/login'],
  ['dashboard', '/'],
  ['project', `/projects/${project}`],
  ['service-overview', `/projects/${project}/services/web`],
  ['service-deployments', `/projects/${project}/services/web/deployments`],
  ['service-variables', `/projects/${project}/services/web/variables`],
  ['service-settings', `/projects/${project}/services/web/settings`],
  ['service-logs', `/projects/${project}/services/web/logs`],
  ['deployment', `/deployments/${deploymentId}`],
  ['keys', '/keys'],
];

async function logIn(page: Page) {
  await page.goto(`${spur.url}/login`);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${spur.url}/`);
}

type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

describe.each([
  ['desktop', 1440, 900, 'light'],
  ['phone', 390, 844, 'light'],
  ['desktop-dark', 1440, 900, 'dark'],
] as const)('every page at %s', (label, width, height, colorScheme) => {
  it('fits the width and has no serious accessibility violation', async () => {
    // bypassCSP: Spur's CSP forbids inline scripts, and axe-core is injected as one.
    const context = await browser.newContext({ viewport: { width, height }, colorScheme, bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    try {
      for (const [name, path] of pages()) {
        if (name === 'dashboard') await logIn(page);
        await page.goto(`${spur.url}${path}`);
        await page.waitForLoadState('load');
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
        if (overflow > 0) problems.push(`${name}: ${overflow}px wider than the ${width}px window`);
        await page.addScriptTag({ path: AXE });
        const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as Violation[];
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
      }
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});

describe('log viewer', () => {
  it('renders colours, filters by text, follows the end until scrolled up, and downloads as text', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    try {
      await logIn(page);
      await page.goto(`${spur.url}/deployments/${deploymentId}`);
      await expect.poll(() => page.locator('#build-log span.ansi-fg-2').first().textContent()).toBe('green step');

      await page.goto(`${spur.url}/projects/${project}/services/web/logs`);
      const log = page.locator('#runtime-log');
      await expect.poll(() => log.locator('.line').count(), { timeout: 20_000 }).toBeGreaterThan(150);
      expect(await log.locator('span.ansi-fg-1.ansi-bold').first().textContent()).toBe('red alert');
      // Following: the end is in view.
      const atEnd = () => log.evaluate((el: { scrollTop: number; clientHeight: number; scrollHeight: number }) => el.scrollTop + el.clientHeight >= el.scrollHeight - 8);
      await expect.poll(atEnd, { timeout: 10_000 }).toBe(true);

      await page.getByLabel('Filter').fill('alert');
      await expect.poll(() => log.locator('.line:not(.filtered)').count()).toBe(1);
      await page.getByLabel('Filter').fill('');

      await log.evaluate((el: { scrollTop: number }) => (el.scrollTop = 0));
      const jump = page.getByRole('button', { name: 'Jump to latest' });
      await expect.poll(() => jump.isVisible(), { timeout: 10_000 }).toBe(true);
      await jump.click();
      await expect.poll(() => jump.isVisible(), { timeout: 10_000 }).toBe(false);
      await expect.poll(atEnd, { timeout: 10_000 }).toBe(true);

      const download = await page.request.get(`${spur.url}/projects/${project}/services/web/logs.txt`);
      expect(download.headers()['content-disposition']).toMatch(/attachment; filename=".*-web-production\.log"/);
      const text = await download.text();
      expect(text).toMatch(/Z web\.1 red alert and plain/);
      expect(text).not.toContain('\x1b');
    } finally {
      await context.close();
    }
  });
});
