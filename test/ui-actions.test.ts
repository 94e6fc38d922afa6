// Issue 26, items 7, 8, 11, in a real browser against a real Spur and Swarm: a removal asks first
// (and nothing happens when the answer is no); the `d` shortcut asks the Deploy button's question;
// a database's delete names the services that reference it; "Create and deploy" is what Enter
// does on the new-service form; deleting a service says "Deleting web…" while it runs, then lands
// on the project with what happened.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, cli, docker, logInPage, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const project = uniqueName('act');
const image = 'spur-test/hello-actions:1';
let spur: SpurProcess;
let token: string;
let browser: Browser;
let page: Page;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  ({ spur, token, browser } = await startBrowserStack());
  call = api(spur, token);
  await docker('build', '-q', '-t', image, join(__dirname, 'fixtures', 'hello-app'));
  expect((await call('POST', '/projects', { name: project })).status).toBe(201);
  // The API's deploy: true, the same choice the form's default button makes.
  const made = await call('POST', `/projects/${project}/services`, { name: 'web', image, port: 3000, deploy: true });
  expect(made.status).toBe(201);
  expect((await cli(spur, ['db', 'create', project, 'kv', '--engine', 'redis'])).code).toBe(0);
  expect((await call('PUT', `/projects/${project}/services/web/variables`, { GREETING: 'hello', CACHE_URL: '${{kv.REDIS_URL}}' })).status).toBe(200);
  expect((await waitForDeployment(spur, token, made.json.deployment.id)).status).toBe('active');
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await logInPage(page, spur);
}, 240_000);

afterAll(async () => {
  await stopAll({ browser, spur }, [project]);
});

const dialog = () => page.locator('dialog.confirm[open]');
const deploymentCount = async () => (await call('GET', `/projects/${project}/services/web/deployments`)).json.deployments.length as number;

describe('actions in the browser', () => {
  it('removing a variable asks first: No keeps it, Yes removes it and says so', async () => {
    await page.goto(`${spur.url}/projects/${project}/services/web/variables`);
    await page.getByRole('button', { name: 'Remove GREETING' }).click();
    await expect.poll(() => dialog().textContent()).toContain('Remove GREETING from web? The next deploy runs without it.');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Remove GREETING' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Remove GREETING' }).click();
    // Keyboard: the dialog's confirming button has focus, Enter confirms.
    await expect.poll(() => page.evaluate('document.activeElement?.closest("dialog.confirm") !== null')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.toast').textContent()).toBe('GREETING removed from web; the next deploy runs without it');
    expect(await page.getByRole('button', { name: 'Remove GREETING' }).count()).toBe(0);
  });

  it('d asks the Deploy button\'s question before deploying; Escape deploys nothing', async () => {
    await page.goto(`${spur.url}/projects/${project}/services/web`);
    const before = await deploymentCount();
    const question = await page.locator('form:has([data-shortcut="d"])').getAttribute('data-confirm');
    expect(question).toBe('Deploy web to production now? The new version replaces the one serving once it is healthy.');
    await page.keyboard.press('d');
    await expect.poll(() => dialog().textContent()).toContain(question!);
    await page.keyboard.press('Escape');
    await new Promise((r) => setTimeout(r, 500));
    expect(await deploymentCount()).toBe(before);
    expect(page.url()).toBe(`${spur.url}/projects/${project}/services/web`);
  });

  it('the database delete names the services and variables that use it, on the form and in the question', async () => {
    await page.goto(`${spur.url}/projects/${project}`);
    await page.locator('summary', { hasText: 'Delete kv' }).click();
    const form = page.locator('form#delete-database-kv');
    const warning = "web (CACHE_URL) references kv: their next deploy fails until those variables change.";
    await expect.poll(() => form.locator('p.warning').textContent()).toBe(warning);
    await form.getByLabel('Type kv to confirm').fill('kv');
    await form.getByRole('button', { name: 'Delete kv' }).click();
    await expect.poll(() => dialog().textContent()).toContain(`Delete kv? ${warning}`);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    expect((await call('GET', `/projects/${project}/databases`)).json.databases.map((d: { name: string }) => d.name)).toEqual(['kv']);
  });

  it('Enter on the new-service form creates and deploys (the default button), landing on the deployment', async () => {
    await page.goto(`${spur.url}/projects/${project}`);
    await page.locator('summary', { hasText: 'New service' }).click();
    const form = page.locator('form#new-service');
    await form.getByLabel('Image', { exact: true }).fill(image);
    await form.getByLabel('Name', { exact: true }).fill('api');
    await form.getByLabel('Name', { exact: true }).press('Enter');
    await page.waitForURL(/\/deployments\/\d+$/);
    expect(await page.locator('.toast').textContent()).toBe('Service api created; deploying it to production');
  });

  it('deleting a service says "Deleting web…" on its disabled button while it runs, then what happened', async () => {
    await page.goto(`${spur.url}/projects/${project}/services/web/settings`);
    await page.locator('summary', { hasText: 'Delete service' }).click();
    const form = page.locator('form#delete-service');
    await form.getByLabel('Type web to confirm').fill('web');
    const button = form.getByRole('button', { name: /Delete web|Deleting web…/ });
    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 2000, interval: 50 }).toBe('Deleting web…');
    expect(await button.isDisabled()).toBe(true);
    await page.waitForURL(`${spur.url}/projects/${project}`, { timeout: 60_000 });
    expect(await page.locator('.toast').textContent()).toBe('Service web deleted');
  });
});
