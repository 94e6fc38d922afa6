// Issue 28, protected environments, in two real browsers against a real Spur and Swarm: a
// developer deploys to (protected) production and is told the deploy is requested; an admin,
// signed in elsewhere, approves it from the project's Requests list, and the deployment runs —
// requested by the developer, approved by the admin.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, cli, docker, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const project = uniqueName('apr');
const image = 'spur-test/hello-approvals:1';
let spur: SpurProcess;
let token: string;
let browser: Browser;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  ({ spur, token, browser } = await startBrowserStack());
  call = api(spur, token);
  await docker('build', '-q', '-t', image, join(__dirname, 'fixtures', 'hello-app'));
  expect((await call('POST', '/projects', { name: project })).status).toBe(201);
  expect((await call('POST', `/projects/${project}/services`, { name: 'web', image, port: 3000 })).status).toBe(201);
  for (const [email, role] of [['dev@example.com', 'developer'], ['lead@example.com', 'admin']] as const) {
    expect((await cli(spur, ['user', 'add', '--email', email])).code).toBe(0);
    expect((await cli(spur, ['user', 'password', '--email', email], {}, 'a long password\n')).code).toBe(0);
    expect((await cli(spur, ['member', project, email, '--role', role])).code).toBe(0);
  }
}, 240_000);

afterAll(async () => {
  await stopAll({ browser, spur }, [project]);
});

async function signedIn(email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${spur.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${spur.url}/`);
  return page;
}

describe('approvals in the browser', () => {
  it("a developer's deploy to production is requested; an admin approves it and it runs", async () => {
    const dev = await signedIn('dev@example.com');
    await dev.goto(`${spur.url}/projects/${project}/services/web`);
    await dev.getByRole('button', { name: 'Deploy', exact: true }).click();
    // The Deploy button asks first; Enter confirms.
    const dialog = dev.locator('dialog.confirm[open]');
    if (await dialog.count().then((n) => n > 0, () => false)) await dev.keyboard.press('Enter');
    await expect.poll(() => dev.locator('.toast').textContent(), { timeout: 15_000 }).toMatch(/^Deploy requested: an admin must approve \(request #\d+\)/);
    expect(dev.url()).toBe(`${spur.url}/projects/${project}#requests`);
    const item = dev.locator('li[data-request]', { hasText: 'Deploy' });
    await expect.poll(() => item.getAttribute('data-status')).toBe('pending');
    const id = Number(await item.getAttribute('data-request'));
    expect(await dev.getByRole('button', { name: `Approve request ${id}` }).count()).toBe(0);
    expect((await call('GET', `/projects/${project}/services/web/deployments`)).json.deployments).toEqual([]);

    const lead = await signedIn('lead@example.com');
    await lead.goto(`${spur.url}/projects/${project}`);
    await lead.getByRole('button', { name: `Approve request ${id}` }).click();
    await lead.waitForURL(/\/deployments\/\d+$/);
    await expect.poll(() => lead.locator('.toast').textContent()).toMatch(new RegExp(`^Request #${id} approved: deployment #\\d+ queued`));
    const deploymentId = Number(lead.url().split('/').pop());
    expect((await waitForDeployment(spur, token, deploymentId)).status).toBe('active');

    // Requested by the developer, approved by the admin: the request and the audit log say so.
    const [request] = (await call('GET', `/projects/${project}/requests`)).json.requests;
    expect(request).toMatchObject({ id, status: 'approved', requester: 'dev@example.com', decidedBy: 'lead@example.com', deployment: deploymentId });
    const [deployEntry] = (await call('GET', `/projects/${project}/audit?action=deploy`)).json.entries;
    expect(deployEntry).toMatchObject({ actor: { email: 'dev@example.com' }, role: 'developer' });
    await dev.reload();
    await expect.poll(() => dev.locator(`li[data-request="${id}"]`).getAttribute('data-status')).toBe('approved');
  }, 240_000);
});
