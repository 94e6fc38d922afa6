// The console in a real browser: an admin opens a shell in a new container of the serving image
// (xterm.js over a WebSocket), types, sees the answer with the service's variables; the shell's
// end or the page's closing removes the container; both sessions are in the audit log with who
// opened them and for how long. The Jobs tab's one-off command streams its output, and the
// Settings tab turns previews on and backs a volume up and restores it (the browser's other
// release-flow and backup controls, on the same service).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { startBrowserStack, withLoggedInPage } from './browser-fixture.js';
import { type SpurProcess, api, cli, docker, eventually, stopAll, uniqueName, waitForDeployment } from './harness.js';
import type { Browser } from 'playwright-core';

let git: GitServer;
let spur: SpurProcess;
let token: string;
let browser: Browser;
const project = uniqueName('cons');
const consoles = () => docker('ps', '-a', '--filter', 'label=spur.one-off=console', '--filter', `label=spur.project=${project}`, '-q');

beforeAll(async () => {
  ({ git, spur, token, browser } = await startBrowserStack({ project, git: true }));
  const repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'v1');
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=hi-console'])).code).toBe(0);
  const deployed = await cli(spur, ['deploy', project, 'web']);
  expect(deployed.code, deployed.stderr).toBe(0);
}, 300_000);

afterAll(() => stopAll({ browser, spur, git }, [project]));

const terminalText = (page: Page) => page.locator('#terminal .xterm-rows').innerText();

async function openConsole(page: Page) {
  await page.goto(`${spur.url}/projects/${project}/services/web`);
  await page.getByRole('link', { name: 'Open a console' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected.' }).waitFor();
}

describe('the console', () => {
  it('opens a shell in the serving image with its variables, and the shell ending removes its container', async () => {
    await withLoggedInPage(browser, spur, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await openConsole(page);
      expect(await consoles()).not.toBe('');
      await page.locator('#terminal').click();
      await page.keyboard.type('echo "hi from $SPUR_SERVICE in $SPUR_ENVIRONMENT, greeting set: ${GREETING:+yes}"');
      await page.keyboard.press('Enter');
      await eventually('the answer', async () => ((await terminalText(page)).includes('hi from web in production, greeting set: yes') ? true : undefined), 30_000);
      await page.keyboard.type('exit');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Closed: the shell ended.' }).waitFor();
    });
    await eventually('no console container', async () => ((await consoles()) === '' ? true : undefined), 30_000);
  });

  it('closing the page ends it, and each session is in the audit log with who and for how long', async () => {
    await withLoggedInPage(browser, spur, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await openConsole(page);
    });
    await eventually('no console container', async () => ((await consoles()) === '' ? true : undefined), 30_000);
    const { entries } = (await api(spur, token)('GET', `/projects/${project}/audit`)).json as { entries: { action: string; actor: { email: string }; after: { seconds?: number; why?: string } | null }[] };
    const opened = entries.filter((e) => e.action === 'console.open');
    const closed = entries.filter((e) => e.action === 'console.close');
    expect(opened).toHaveLength(2);
    expect(opened.every((e) => e.actor.email === 'owner@example.com')).toBe(true);
    expect(closed.map((e) => e.after?.why).sort()).toEqual(['the browser closed it', 'the shell ended']);
    expect(closed.every((e) => typeof e.after?.seconds === 'number')).toBe(true);
  });
});

describe('a one-off command from the Jobs tab', () => {
  it("streams the command's output and its exit code; a line a shell would need is refused in one line", async () => {
    await withLoggedInPage(browser, spur, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await page.goto(`${spur.url}/projects/${project}/services/web/jobs`);
      const line = page.getByLabel('Command', { exact: true }).last();
      await line.fill(`node -e 'console.log("ran from the page with " + process.env.GREETING.length + " letters"); console.error("to stderr"); process.exit(3)'`);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.locator('#run-state').filter({ hasText: 'Exited with code 3.' }).waitFor({ timeout: 60_000 });
      const output = await page.locator('#run-output').innerText();
      expect(output).toContain('ran from the page with 10 letters');
      expect(await page.locator('#run-output .stderr').innerText()).toContain('to stderr');
      await line.fill('echo hi | tee /tmp/x');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.locator('#run-state').filter({ hasText: 'command' }).waitFor();
      expect(await page.locator('#run-state').innerText()).toMatch(/^command: .*shell/);
    });
    const { entries } = (await api(spur, token)('GET', `/projects/${project}/audit`)).json as { entries: { action: string; after: { command?: string } | null }[] };
    expect(entries.filter((e) => e.action === 'run').map((e) => e.after?.command)).toEqual([expect.stringMatching(/^node -e console\.log/)]);
  });
});

describe('previews from the Settings tab', () => {
  it('turns previews on with what they hold and a status token, shows the token only as set, and removes it', async () => {
    const settings = async () => (await api(spur, token)('GET', `/projects/${project}/services/web/previews`)).json.previews;
    expect((await settings()).on).toBe(false);
    await withLoggedInPage(browser, spur, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await page.goto(`${spur.url}/projects/${project}/services/web/settings`);
      const form = page.locator('#previews');
      await form.getByLabel('Previews').selectOption('on');
      await form.getByLabel('Holds').selectOption('project');
      await form.getByLabel('Databases').selectOption('fresh');
      await form.getByLabel('Variables copied from the base').fill('GREETING');
      await form.getByLabel(/Git host token/).fill('tok-for-statuses');
      await form.getByRole('button', { name: 'Save previews' }).click();
      await page.getByText('Previews on: each pull request gets an environment made from production').waitFor();
      expect(await settings()).toEqual({ on: true, base: 'production', copy: ['GREETING'], ttlHours: 72, with: 'project', databases: 'fresh', statusToken: true });
      await page.goto(`${spur.url}/projects/${project}/services/web/settings`);
      expect(await page.locator('#previews').innerHTML()).not.toContain('tok-for-statuses');
      await page.locator('#previews').getByLabel('Remove the token').check();
      await page.locator('#previews').getByRole('button', { name: 'Save previews' }).click();
      await page.getByText('Previews on:').waitFor();
      expect((await settings()).statusToken).toBe(false);
    });
  });
});

describe('volume backups from the Settings tab', () => {
  it('backs a volume up now and restores it, asking first, onto a new deployment of the serving version', async () => {
    expect((await cli(spur, ['volumes', 'add', project, 'web', 'data', '/data'])).code).toBe(0);
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
    const readFile = async () => (await cli(spur, ['run', project, 'web', '--', 'node', '-e', "console.log(require('fs').readFileSync('/data/x.txt','utf8'))"])).stdout.trim();
    expect((await cli(spur, ['run', project, 'web', '--', 'node', '-e', "require('fs').writeFileSync('/data/x.txt','kept by the backup')"])).code).toBe(0);
    await withLoggedInPage(browser, spur, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await page.goto(`${spur.url}/projects/${project}/services/web/settings`);
      await page.locator('summary', { hasText: 'Backups of data' }).click();
      await page.getByRole('button', { name: 'Back up data now' }).click();
      const toast = page.locator('.toast').filter({ hasText: 'Backed up volume data' });
      await toast.waitFor({ timeout: 60_000 });
      const [, id] = /backup #(\d+)/.exec((await toast.textContent()) ?? '') ?? [];
      expect(id).toBeDefined();
      expect((await cli(spur, ['run', project, 'web', '--', 'node', '-e', "require('fs').writeFileSync('/data/x.txt','changed since')"])).code).toBe(0);
      await page.goto(`${spur.url}/projects/${project}/services/web/settings`);
      await page.locator('summary', { hasText: 'Backups of data' }).click();
      await page.getByRole('button', { name: `Restore data from backup #${id}` }).click();
      await expect.poll(() => page.locator('dialog.confirm[open]').textContent()).toContain(`Replace data's files with backup #${id}?`);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/deployments\/\d+/);
      const deployment = Number(/\/deployments\/(\d+)/.exec(page.url())![1]);
      expect((await waitForDeployment(spur, token, deployment)).status).toBe('active');
    });
    expect(await readFile()).toBe('kept by the backup');
  });
});
