// Every page of the web UI, in a real browser at desktop (1440×900) and phone (390×844) width, in
// light and dark: no horizontal scrolling, no serious or critical accessibility violation (axe-core),
// and a screenshot of each kept under test-artifacts/ui/.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { focusContrast } from './ui-checks.js';
import { type SpurProcess, api, stopAll, cli, logInPage, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack, withLoggedInPage } from './browser-fixture.js';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts', 'ui');
const AXE = require.resolve('axe-core/axe.min.js');
const project = uniqueName('look');
let git: GitServer;
let spur: SpurProcess;
let browser: Browser;
let deploymentId: number;
let token: string;
let repo: ReturnType<typeof createRepo>;
/** S3-compatible storage on loopback, for the backup storage form and the database page. */
let s3server: S3rver;
let s3endpoint = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ git, spur, token, browser } = await startBrowserStack({ project, git: true }));
  repo = createRepo(git, `${project}.git`);
  const app = helloAppFiles('v1');
  // Coloured, numerous lines at start: for the log viewer's colours, filter and follow.
  const chatty = "for (let i = 1; i <= 300; i++) console.log('line ' + i);\nconsole.log('\\x1b[1;31mred alert\\x1b[0m and plain');\n";
  repo.commit({ ...app, 'server.js': chatty + app['server.js'], Dockerfile: app.Dockerfile.replace('CMD', "RUN printf '\\033[32mgreen step\\033[0m\\n'\nCMD") }, 'first version with a commit message long enough to wrap on a phone');
  await cli(spur, ['project', 'env', project, 'staging']);
  await cli(spur, ['service', 'create', project, 'web', '--git', repo.url]);
  expect((await cli(spur, ['service', 'create', project, 'worker-long-name', '--image', 'spur-test/node:bookworm'])).code).toBe(0);
  await cli(spur, ['vars', 'set', project, 'web', 'DATABASE_URL=postgres://user:pass@db:5432/app', 'GREETING=hello']);
  // A second user, a member of the project: the Users and Members pages list them.
  expect((await cli(spur, ['user', 'add', '--email', 'member@example.com'])).code).toBe(0);
  expect((await cli(spur, ['member', project, 'member@example.com'])).code).toBe(0);
  // A database with a backup, for the database page's look; web references it (before its deploy,
  // so nothing is pending), and the project canvas draws a line between their cards.
  expect((await cli(spur, ['db', 'create', project, 'kv', '--engine', 'redis'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'REDIS_URL=${{kv.REDIS_URL}}'])).code).toBe(0);
  const created = await api(spur, token)('POST', `/projects/${project}/services/web/deployments`);
  deploymentId = created.json.deployment.id;
  const deployed = await waitForDeployment(spur, token, deploymentId);
  expect(deployed.status, deployed.failureReason).toBe('active');
  // A scheduled job with a run that failed, for the Jobs tab.
  expect((await cli(spur, ['jobs', 'add', project, 'web', 'nightly-report', '--schedule', '0 3 * * *', '--time-zone', 'Europe/Berlin', '--command', 'node -e "console.log(1); process.exit(2)"'])).code).toBe(0);
  expect((await cli(spur, ['jobs', 'run', project, 'web', 'nightly-report'])).code).toBe(2);
  for (let tries = 0; (await cli(spur, ['db', 'backup', project, 'kv'])).code !== 0; tries++) {
    if (tries === 60) throw new Error('database kv never took a backup');
    await new Promise((r) => setTimeout(r, 2000));
  }
  // A server that never answers, for the Servers page and a server's page with its failed step.
  expect((await api(spur, token)('POST', '/servers', { address: 'root@127.0.0.1', port: 1, name: 'gone' })).status).toBe(202);
  s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 'spur-ui-s3-')), configureBuckets: [{ name: 'look-backups', configs: [] }] });
  s3endpoint = `http://127.0.0.1:${(await s3server.run()).port}`;
});

afterAll(async () => {
  await stopAll({ browser, spur, git }, [project]);
  await s3server?.close();
});

const pages = () => [
  ['login', '/login'],
  ['dashboard', '/'],
  ['project', `/projects/${project}`],
  ['service-overview', `/projects/${project}/services/web`],
  ['service-deployments', `/projects/${project}/services/web/deployments`],
  ['service-variables', `/projects/${project}/services/web/variables`],
  ['service-jobs', `/projects/${project}/services/web/jobs`],
  ['service-console', `/projects/${project}/services/web/console`],
  ['service-settings', `/projects/${project}/services/web/settings`],
  ['service-logs', `/projects/${project}/services/web/logs`],
  ['deployment', `/deployments/${deploymentId}`],
  ['database', `/projects/${project}/databases/kv`],
  ['keys', '/keys'],
  ['servers', '/servers'],
  ['server', '/servers/gone'],
  ['settings', '/settings'],
  ['alerts', '/alerts'],
  ['project-alerts', `/projects/${project}/alerts`],
  ['webhooks', `/projects/${project}/webhooks`],
  ['users', '/users'],
  ['members', `/projects/${project}/members`],
  ['account', '/account'],
  ['api-reference', '/api-reference'],
  ['service-variables-raw', `/projects/${project}/services/web/variables/raw`],
];

/** Runs `body` on a fresh page at 1440×900, logged in, then closes its context. */
const withDesktopPage = (body: (page: Page) => Promise<void>) => withLoggedInPage(browser, spur, { viewport: { width: 1440, height: 900 } }, body);

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
        if (name === 'dashboard') await logInPage(page, spur);
        await page.goto(`${spur.url}${path}`);
        await page.waitForLoadState('load');
        // The API reference is drawn by Swagger UI once it has fetched the document.
        if (name === 'api-reference') await page.locator('.swagger-ui .opblock-tag').first().waitFor();
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
        if (overflow > 0) problems.push(`${name}: ${overflow}px wider than the ${width}px window`);
        await page.addScriptTag({ path: AXE });
        const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as Violation[];
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
        // Every focus indicator stands out at 3:1 (WCAG 2.2), in both themes; the first 60 stops.
        if (width > 390) for (const f of await focusContrast(page, { max: 60 })) problems.push(`${name}: focus on ${f.element} is ${f.indicator} against ${f.against}, ${f.ratio}:1`);
      }
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});

describe("Spur's settings page", () => {
  it("takes the owner's domain and contact, refuses a bad one in place, and shows the certificate's state", async () => {
    await withDesktopPage(async (page) => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByLabel('Spur’s domain').fill('*.look.example');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => page.locator('#instance-settings .field-error').first().textContent()).toMatch(/wildcards are not supported/);
      expect(await page.getByLabel('Spur’s domain').inputValue()).toBe('*.look.example');

      await page.getByLabel('Spur’s domain').fill('spur.look.example');
      await page.getByLabel('Address for certificate notices').fill('ops@look.example');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => page.locator('.toast').textContent()).toBe('Settings saved');
      expect(await page.locator('main').textContent()).toMatch(/Spur is reached at http:\/\/spur\.look\.example/);
      // No CA answers in this tier: the order fails with its reason, shown beside the domain.
      await expect.poll(async () => (await page.reload(), await page.locator('main').textContent()), { timeout: 20_000 }).toMatch(/certificate (failed: could not reach the ACME directory|pending|issuing)/);
      expect((await api(spur, token)('GET', '/settings')).json).toMatchObject({ domain: { hostname: 'spur.look.example' }, acmeEmail: 'ops@look.example' });

      await page.getByLabel('Spur’s domain').fill('');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => page.locator('.toast').textContent()).toBe('Settings saved');
      expect((await api(spur, token)('GET', '/settings')).json.domain).toBeNull();
    });
  });

  it('takes S3 storage for backups once the bucket answers, refusing a bad endpoint and a missing bucket in place', async () => {
    await withDesktopPage(async (page) => {
      await page.goto(`${spur.url}/settings`);
      const storage = page.locator('#backup-storage');
      await storage.getByLabel('S3 endpoint').fill('ftp://127.0.0.1');
      await storage.getByLabel('Bucket').fill('look-backups');
      await storage.getByLabel('Access key ID').fill('S3RVER');
      await storage.getByLabel('Secret access key').fill('S3RVER');
      await storage.getByRole('button', { name: 'Save backup storage' }).click();
      await expect.poll(() => storage.locator('.field-error').first().textContent(), { timeout: 15_000 }).toMatch(/http:\/\/ or https:\/\//);
      await storage.getByLabel('S3 endpoint').fill(s3endpoint);
      await storage.getByLabel('Bucket').fill('no-such-bucket');
      await storage.getByLabel('Secret access key').fill('S3RVER');
      await storage.getByRole('button', { name: 'Save backup storage' }).click();
      await expect.poll(() => storage.locator('.field-error').first().textContent(), { timeout: 15_000 }).toMatch(/bucket no-such-bucket does not exist/);
      expect((await api(spur, token)('GET', '/settings')).json.backupStorage).toBeNull();
      await storage.getByLabel('Bucket').fill('look-backups');
      await storage.getByLabel('Secret access key').fill('S3RVER');
      await storage.getByRole('button', { name: 'Save backup storage' }).click();
      await expect.poll(() => page.locator('.toast').textContent(), { timeout: 15_000 }).toBe('Backups are copied to s3://look-backups');
      expect((await api(spur, token)('GET', '/settings')).json.backupStorage).toEqual({ endpoint: s3endpoint, bucket: 'look-backups', region: 'us-east-1', accessKeyId: 'S3RVER', prefix: '' });
    });
  });
});

describe('log viewer', () => {
  it('renders colours, filters by text, follows the end until scrolled up, and downloads as text', async () => {
    await withDesktopPage(async (page) => {
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

      // Runtime logs by task: the task filter lists the tasks its lines came from.
      await page.getByLabel('Task').selectOption('web.1');
      await expect.poll(() => log.locator('.line:not(.filtered)').count()).toBeGreaterThan(150);
    });
  });
});

describe('live and in place', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    // bypassCSP: the test's own probes (waitForFunction) are evaluated as strings, which Spur's CSP forbids.
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    // Each live region says when its stream opened, so a test never races the connection.
    await page.addInitScript("document.addEventListener('htmx:sseOpen', () => { window.sseOpen = true; })");
    await logInPage(page, spur);
  });
  afterAll(() => context?.close());

  const openLive = async (path: string) => {
    await page.goto(`${spur.url}${path}`);
    await page.waitForFunction('window.sseOpen === true');
    await page.evaluate('window.sameDocument = true');
  };
  const sameDocument = () => page.evaluate('window.sameDocument === true');
  /** Submits `form` with its `button`: refused, with `error` beside a field, and the page not left. */
  const refusedInPlace = async (form: Locator, button: string, error: string) => {
    await form.getByRole('button', { name: button }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain(error);
    expect(await sameDocument()).toBe(true);
  };

  it('a deploy started from the CLI shows on an open project page within a second, and its status changes there without a reload', async () => {
    await openLive(`/projects/${project}`);
    await page.evaluate(`
      new MutationObserver(() => {
        const card = document.querySelector('[data-service="worker-long-name"]');
        const link = card && card.querySelector('a[href^="/deployments/"]');
        if (link && !window.shownAt) window.shownAt = { at: Date.now(), href: link.getAttribute('href') };
        const badge = card && card.querySelector('[data-status]');
        if (badge) (window.statuses = window.statuses || new Set()).add(badge.getAttribute('data-status'));
      }).observe(document.getElementById('live-services'), { childList: true, subtree: true });
    `);
    const deploying = cli(spur, ['deploy', project, 'worker-long-name']);
    const shown = (await (await page.waitForFunction('window.shownAt', undefined, { timeout: 10_000 })).jsonValue()) as { at: number; href: string };
    const id = Number(shown.href.split('/').pop());
    const listed = await api(spur, token)('GET', `/projects/${project}/services/worker-long-name/deployments`);
    const record = listed.json.deployments.find((d: { id: number }) => d.id === id);
    expect(shown.at - Date.parse(record.createdAt)).toBeLessThan(1000);
    // The card follows the deployment through its states (queued, deploying, …) by itself.
    await expect.poll(() => page.evaluate('window.statuses ? window.statuses.size : 0'), { timeout: 120_000 }).toBeGreaterThan(1);
    expect(await sameDocument()).toBe(true);
    void deploying;
  }, 180_000);

  it('a refused form keeps what was typed and shows the error beside its field, without leaving the page', async () => {
    await openLive(`/projects/${project}`);
    await page.getByText('New service', { exact: true }).click();
    const form = page.locator('#new-service');
    await form.getByLabel('Name').fill('api');
    await form.getByLabel('Git URL').fill('file:///etc/passwd');
    await form.getByRole('button', { name: 'Create only' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain('the file transport is not allowed');
    expect(await form.getByLabel('Git URL').inputValue()).toBe('file:///etc/passwd');
    expect(await form.getByLabel('Name').inputValue()).toBe('api');
    expect(await form.getByLabel('Git URL').getAttribute('aria-invalid')).toBe('true');
    expect(await sameDocument()).toBe(true);
  });

  it('success says so in a toast; a delete asks for the name first', async () => {
    await openLive(`/projects/${project}`);
    await page.getByText('Environments and deletion').click();
    await page.locator('#new-environment').getByLabel('Environment name').fill('preview');
    // Added, the browser is sent to the new environment's page, which says so once.
    await Promise.all([page.waitForURL(/\?env=preview$/, { timeout: 60_000 }), page.getByRole('button', { name: 'Add environment' }).click()]);
    await expect.poll(() => page.locator('#flash .toast').textContent(), { timeout: 30_000 }).toBe('Environment preview added');
    await page.getByText('Environments and deletion').click();
    const remove = page.locator('#delete-environment-preview');
    await remove.getByLabel('Type preview to confirm').fill('previe');
    await remove.getByRole('button', { name: 'Delete preview' }).click();
    // The browser refuses a name that does not match; nothing was sent.
    expect(await remove.getByLabel('Type preview to confirm').evaluate((el: { validity: { patternMismatch: boolean } }) => el.validity.patternMismatch)).toBe(true);
    await remove.getByLabel('Type preview to confirm').fill('preview');
    await remove.getByRole('button', { name: 'Delete preview' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent(), { timeout: 30_000 }).toBe('Environment preview deleted');
    expect(await page.locator('#delete-environment-preview').count()).toBe(0);
  });

  it('variables: a pasted .env imports, a value is revealed and copied, and the banner says the change is not deployed', async () => {
    await openLive(`/projects/${project}/services/web/variables`);
    expect(await page.getByText('Changes saved but not deployed').count()).toBe(0);
    await page.getByLabel(/One NAME=value per line/).fill('# pasted\nFEATURE_FLAG="on"\nexport SECOND=two');
    await page.getByRole('button', { name: 'Import variables' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent()).toContain('Imported 2 variables');
    await expect.poll(() => page.getByText('Changes saved but not deployed').count()).toBe(1);
    await page.getByRole('button', { name: 'Reveal FEATURE_FLAG' }).click();
    await expect.poll(() => page.locator('.secret code').first().textContent()).toBe('on');
    await page.getByRole('button', { name: 'Copy value of FEATURE_FLAG' }).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe('on');
  });

  it('domains: a bad one is refused beside its field, one is added and listed, then removed', async () => {
    await openLive(`/projects/${project}/services/web/settings`);
    const form = page.locator('#add-domain');
    await form.getByLabel('Custom domain').fill('203.0.113.7');
    await refusedInPlace(form, 'Add domain', 'an IP address is not a domain name');
    await form.getByLabel('Custom domain').fill('Web.Example.COM');
    await form.getByRole('button', { name: 'Add domain' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent()).toBe('web.example.com added; its certificate is being ordered');
    await expect.poll(() => page.locator('#domains').getByRole('link', { name: 'web.example.com' }).count()).toBe(1);
    expect(await page.locator('#domains li', { hasText: 'web.example.com' }).textContent()).toMatch(/certificate (pending|issuing|failed)/);
    await page.getByRole('button', { name: 'Remove web.example.com' }).click();
    await page.locator('dialog.confirm button[value="yes"]').click();
    // The toast comes with the page the removal redirects to; the live list can drop the domain
    // before that navigation lands, and the next test's navigation would then be interrupted by it.
    await expect.poll(() => page.locator('#flash .toast').textContent()).toBe('web.example.com removed from web');
    expect(await page.locator('#domains').getByRole('link', { name: 'web.example.com' }).count()).toBe(0);
  });

  it('databases: a bad version is refused beside its field; one added shows its reference and state; deleted once its name is typed', async () => {
    await openLive(`/projects/${project}`);
    await page.getByText('New database').click();
    const form = page.locator('#new-database');
    await form.getByLabel('Database name').fill('cache');
    await form.getByLabel('Engine').selectOption('redis');
    await form.getByLabel('Version (image tag)').fill('latest');
    await refusedInPlace(form, 'Add database', 'give a redis image tag such as 7');
    await form.getByLabel('Version (image tag)').fill('');
    await form.getByRole('button', { name: 'Add database' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent()).toBe('Database cache added; reference it as ${{cache.DATABASE_URL}}');
    const item = page.locator('.databases li', { hasText: 'cache' });
    expect(await item.locator('code.reference').textContent()).toBe('${{cache.DATABASE_URL}}');
    await expect.poll(async () => (await page.reload(), await item.locator('.state-mark').textContent()), { timeout: 60_000 }).toBe('running');
    await item.locator('summary', { hasText: 'Delete cache' }).click();
    await item.getByLabel('Type cache to confirm').fill('cache');
    await item.getByRole('button', { name: 'Delete cache' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent(), { timeout: 60_000 }).toBe('Database cache deleted; kept its volume and its newest backup');
    expect(await page.locator('.databases li', { hasText: 'cache' }).count()).toBe(0);
  });

  it("a database's page: schedule refused in place then saved, back up now, the backup checked, restored into itself and into a new database, credentials revealed", async () => {
    await openLive(`/projects/${project}`);
    await page.locator('.databases').getByRole('link', { name: 'kv' }).click();
    await page.waitForURL(/\/databases\/kv\?env=production$/);
    await page.evaluate('window.sameDocument = true');
    expect(await page.locator('h1').textContent()).toMatch(/^kv running$/);
    const policy = page.locator('#backup-policy');
    await policy.getByLabel('Backup schedule').fill('every night');
    await refusedInPlace(policy, 'Save schedule', 'five fields');
    await policy.getByLabel('Backup schedule').fill('15 4 * * *');
    await policy.getByLabel('Backups kept').fill('3');
    await policy.getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent()).toBe('Backups of kv scheduled on 15 4 * * *; the newest 3 kept');
    expect(await page.getByText('Backed up on').textContent()).toMatch(/15 4 \* \* \* \(UTC\), next at \d{4}-\d\d-\d\d 04:15 UTC; the newest 3 are kept/);

    await page.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent(), { timeout: 60_000 }).toMatch(/^Backup (\d+) of kv taken; it is being checked by restoring it$/);
    const id = Number(/Backup (\d+)/.exec((await page.locator('#flash .toast').textContent())!)![1]);
    const row = page.locator('table.backups tr', { has: page.locator('td', { hasText: new RegExp(`^${id}$`) }) });
    await expect.poll(async () => (await page.reload(), await row.locator('.badge').first().textContent()), { timeout: 120_000, interval: 1000 }).toBe('restore passed');
    expect(await row.getByRole('link', { name: `Download backup ${id}` }).getAttribute('href')).toBe(`/projects/${project}/databases/kv/backups/${id}/download?env=production`);
    // Copied to the storage the settings page took.
    expect(await page.getByText('Copies go to').textContent()).toContain(`Copies go to s3://look-backups at ${s3endpoint}`);
    expect(await row.getByText(/^S3 /).textContent()).toBe('S3 ok');

    await row.locator('summary', { hasText: `Restore backup ${id}` }).click();
    await row.getByLabel('Type kv to restore into it').fill('kv');
    await row.getByRole('button', { name: `Restore backup ${id} into kv` }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent(), { timeout: 120_000 }).toBe(`Backup ${id} restored into kv`);

    const again = page.locator('table.backups tr', { has: page.locator('td', { hasText: new RegExp(`^${id}$`) }) });
    await again.locator('summary', { hasText: `Restore backup ${id}` }).click();
    await again.getByLabel(`New database for backup ${id}`).fill('kv');
    await again.getByRole('button', { name: 'Restore into a new database' }).click();
    await expect.poll(() => again.locator('.field-error').first().textContent()).toContain('a new database');
    await again.getByLabel(`New database for backup ${id}`).fill('kv-copy');
    await again.getByRole('button', { name: 'Restore into a new database' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent(), { timeout: 180_000 }).toBe(`Backup ${id} of kv restored into the new database kv-copy`);
    await page.waitForURL(/\/databases\/kv-copy\?env=production$/);

    await page.getByRole('button', { name: "Reveal kv-copy's credentials" }).click();
    await expect.poll(() => page.locator('.secret dl').textContent()).toMatch(/REDIS_PASSWORD/);
  }, 420_000);

  it('volumes: a system path is refused beside its field; one added is listed with the stop-first note, then removed', async () => {
    await openLive(`/projects/${project}/services/worker-long-name/settings`);
    const form = page.locator('#add-volume');
    await form.getByLabel('Volume name').fill('data');
    await form.getByLabel('Mount path').fill('/etc');
    await refusedInPlace(form, 'Add volume', "/etc belongs to the container's system");
    await form.getByLabel('Mount path').fill('/data');
    await form.getByRole('button', { name: 'Add volume' }).click();
    await expect.poll(() => page.locator('#flash .toast').textContent()).toBe('Volume data added at /data; the next deploy mounts it');
    expect(await page.locator('#volumes').textContent()).toMatch(/data\s*\/data[\s\S]*stops the running version before starting the new one/);
    await page.getByRole('button', { name: 'Remove volume data' }).click();
    await page.locator('dialog.confirm button[value="yes"]').click();
    await expect.poll(() => page.locator('#flash .toast').textContent()).toMatch(/^Volume data removed from worker-long-name: the next deploy no longer mounts it/);
    expect(await page.locator('#volumes').textContent()).toContain('No volumes');
  });

  it('servers: a bad address is refused beside its field; a server that does not answer shows its failed step live, then is removed once its name is typed', async () => {
    await page.goto(`${spur.url}/`);
    await page.getByRole('link', { name: 'Servers' }).click();
    expect(await page.locator('main').textContent()).toMatch(/ssh-ed25519 AAAA\S+ spur/);
    await page.getByLabel('Server (user@host)').fill('root@bad host');
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect.poll(() => page.locator('#add-server .field-error').first().textContent()).toMatch(/host: must be an IPv4 address or a hostname/);
    await page.getByLabel('Server (user@host)').fill('root@127.0.0.1');
    await page.getByLabel('SSH port').fill('2');
    await page.getByLabel('Name (optional)').fill('closed');
    await page.getByRole('button', { name: 'Add server' }).click();
    await page.waitForURL(`${spur.url}/servers/closed`);
    await expect.poll(() => page.locator('#server-log').textContent(), { timeout: 20_000 }).toMatch(/✗ Connecting to root@127\.0\.0\.1:2: cannot reach 127\.0\.0\.1:2 over SSH \(ECONNREFUSED\)/);
    await page.getByLabel('Type closed to confirm').fill('closed');
    await page.getByRole('button', { name: 'Remove closed' }).click();
    await page.waitForURL(`${spur.url}/servers`);
    await expect.poll(() => page.locator('.toast').textContent()).toBe('Removed closed: it left the Swarm');
    expect(await page.locator('table.servers').textContent()).not.toContain('closed');
  });

  it('keyboard: 2 opens the Deployments tab, ? lists the shortcuts', async () => {
    await page.goto(`${spur.url}/projects/${project}/services/web`);
    await page.keyboard.press('2');
    await page.waitForURL(/\/services\/web\/deployments/);
    await page.keyboard.press('?');
    await expect.poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(true);
  });

  it('cancel is on the deployment page while a deployment may still be stopped', async () => {
    repo.commit({ ...helloAppFiles('slow'), Dockerfile: helloAppFiles('slow').Dockerfile.replace('CMD', 'RUN sleep 60\nCMD') }, 'a slow build');
    const created = await api(spur, token)('POST', `/projects/${project}/services/web/deployments`);
    const id = created.json.deployment.id;
    await page.goto(`${spur.url}/deployments/${id}`);
    // Click once the build runs: the actions region is re-rendered when the status changes, and a
    // click landing on the form being replaced would be lost.
    await expect.poll(() => page.locator('#status [data-status]').getAttribute('data-status'), { timeout: 30_000 }).toBe('building');
    await page.getByRole('button', { name: 'Cancel deployment' }).click();
    await expect.poll(() => page.locator('#status [data-status]').getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await page.getByRole('button', { name: 'Cancel deployment' }).count()).toBe(0);
  });
});
