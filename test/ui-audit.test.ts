// The audit log in a real browser: the owner changes a variable on the service's Variables tab,
// opens the audit log from Settings, filters it by action (htmx swaps the results in place and the
// address keeps the filter), sees the change by name as "(changed)" and never its value, and checks
// the chain. No serious or critical accessibility violation (axe-core) on the page. On the same
// Spur, what only a real Docker can do (databases, deleting environments and services) is recorded.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, cli, logInPage, stopAll, uniqueName } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const AXE = require.resolve('axe-core/axe.min.js');
const project = uniqueName('audit');
const VALUE = 'value-typed-in-the-browser-7f3a';
let spur: SpurProcess;
let token: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ spur, token, browser } = await startBrowserStack({ project }));
  expect((await cli(spur, ['service', 'create', project, 'web', '--image', 'spur-test/node:bookworm'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=hello'])).code).toBe(0);
  // bypassCSP: Spur's CSP forbids inline scripts, and axe-core is injected as one.
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  page = await context.newPage();
  await logInPage(page, spur);
});

afterAll(async () => {
  await context?.close();
  await stopAll({ browser, spur }, [project]);
});

describe('the audit log page', () => {
  it('shows a variable the owner changed in the browser as "(changed)", filtered by action, and verifies the chain', async () => {
    await page.goto(`${spur.url}/projects/${project}/services/web/variables?env=production`);
    await page.locator('summary', { hasText: 'Edit' }).first().click();
    await page.getByLabel('New value of GREETING').fill(VALUE);
    await page.getByRole('button', { name: 'Save' }).first().click();
    // Saved once its toast shows on the page htmx was sent to: leaving earlier cut the save short
    // (page.goto answered ERR_ABORTED in a CI run).
    await page.locator('#flash .toast', { hasText: 'GREETING saved' }).waitFor();

    await page.goto(`${spur.url}/settings`);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${spur.url}/audit`);
    await page.getByLabel('Action').fill('variables.change');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/audit\?.*action=variables\.change/);
    await expect.poll(() => page.locator('#audit-results tbody tr').count()).toBe(2);

    const rows = page.locator('#audit-results tbody tr');
    const newest = (await rows.first().innerText()).replace(/\s+/g, ' ');
    expect(newest).toContain('owner@example.com (owner)');
    expect(newest).toMatch(/ ui from \S+ /);
    expect(newest).toContain('variables.change');
    expect(newest).toContain(`${project}/web (production) (service)`);
    expect(newest).toContain('{"GREETING":"(set)"} → {"GREETING":"(changed)"}');
    expect(newest).toContain('allowed');
    // The CLI's earlier change, by API token through the CLI.
    const older = (await rows.nth(1).innerText()).replace(/\s+/g, ' ');
    expect(older).toMatch(/owner@example\.com \(owner\) by API token cli from \S+ variables\.change/);
    expect(older).toContain('{} → {"GREETING":"(set)"}');
    expect(await page.content()).not.toContain(VALUE);
    expect(await page.getByRole('link', { name: 'Download as JSON lines' }).getAttribute('href')).toBe('/audit/export?action=variables.change');

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => page.locator('#chain-check').innerText()).toMatch(/^The chain is intact: \d+ entries, none changed, removed or moved\.$/);

    await page.addScriptTag({ path: AXE });
    type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
    const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as Violation[];
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('records what needs Docker too: a database created, backed up, restarted and deleted, an environment and a service deleted (no password anywhere)', async () => {
    const run = async (args: string[]) => {
      const r = await cli(spur, args);
      expect(r.code, `spur ${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await run(['db', 'create', project, 'kv', '--engine', 'redis']);
    for (let tries = 0; (await cli(spur, ['db', 'backup', project, 'kv'])).code !== 0; tries++) {
      if (tries === 60) throw new Error('database kv never took a backup');
      await new Promise((r) => setTimeout(r, 2000));
    }
    await run(['db', 'restart', project, 'kv']);
    const password = (await api(spur, token)('GET', `/projects/${project}/databases/kv/credentials`)).json.variables.REDIS_PASSWORD as string;
    await run(['db', 'delete', project, 'kv', '--yes', '--delete-data', '--delete-backups']);
    await run(['project', 'env', project, 'doomed']);
    await run(['project', 'env', 'delete', project, 'doomed', '--yes']);
    await run(['service', 'delete', project, 'web', '--yes']);
    const { json } = await api(spur, token)('GET', `/projects/${project}/audit?limit=1000`);
    const seen = (json.entries as { action: string; object: { name: string } | null; outcome: string }[]).filter((e) => e.outcome === 'allowed').map((e) => `${e.action} ${e.object?.name}`);
    for (const want of [`database.create ${project}/kv (production)`, `backups.create ${project}/kv (production)`, `database.restart ${project}/kv (production)`, `database.delete ${project}/kv (production)`, `environment.create ${project}`, `environment.delete ${project}`, `service.delete ${project}/web`]) expect(seen).toContain(want);
    expect(password.length).toBeGreaterThan(8);
    const exported = await fetch(`${spur.url}/api/v1/audit?format=jsonl`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await exported.text()).not.toContain(password);
  });
});
