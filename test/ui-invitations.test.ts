// Browser: invitations (issue 28). The owner invites an admin and a viewer on the Members page and
// copies the links shown; each new person opens theirs in a fresh browser, sets a password and
// lands in the project with that role (the viewer sees no members or invitations); the admin's
// invitation of someone new is refused beside the field (without an email server only an owner's
// invitation makes an account); the used link does not work twice.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, logInPage, stopAll, uniqueName } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

const project = uniqueName('inv');
let spur: SpurProcess;
let browser: Browser;

beforeAll(async () => {
  ({ spur, browser } = await startBrowserStack({ project }));
});

afterAll(() => stopAll({ browser, spur }, [project]));

/** Invites `email` with `role` on the Members page and gives back the link the page shows once. */
async function inviteOnPage(page: Page, email: string, role: string): Promise<string> {
  await page.goto(`${spur.url}/projects/${project}/members`);
  await page.locator('#invite input[name="email"]').fill(email);
  await page.locator('#invite select[name="role"]').selectOption(role);
  await page.locator('#invite button[type="submit"]').click();
  const link = page.locator('#invitation-link');
  await link.waitFor();
  const text = (await link.textContent())!.trim();
  expect(text).toMatch(new RegExp(`^${spur.url}/invite/${project}/[A-Za-z0-9_-]{43}$`));
  // Listed as pending, with who invited.
  expect(await page.locator('#invitations table').textContent()).toContain(email);
  return text;
}

/** Opens the link in a fresh browser (no session), sets a password, and lands in the project. */
async function acceptAsNewPerson(link: string, fn: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(link);
    await page.getByLabel('Password').fill('a new long password');
    await page.getByRole('button', { name: `Create account and join ${project}` }).click();
    await page.waitForURL(`${spur.url}/projects/${project}`);
    await fn(page);
  } finally {
    await context.close();
  }
}

describe('invitations in the browser', () => {
  it('an invited admin and viewer join by setting a password at the link; the admin cannot mint an account for someone new', async () => {
    const owner = await browser.newContext();
    let adminLink: string;
    let viewerLink: string;
    try {
      const page = await owner.newPage();
      await logInPage(page, spur);
      adminLink = await inviteOnPage(page, 'ana@example.com', 'admin');
      viewerLink = await inviteOnPage(page, 'bo@example.com', 'viewer');
    } finally {
      await owner.close();
    }

    await acceptAsNewPerson(adminLink, async (page) => {
      expect(await page.locator('h1').first().textContent()).toContain(project);
      // As the project's admin: the Members page; inviting someone without an account is the owner's.
      await page.goto(`${spur.url}/projects/${project}/members`);
      expect(await page.locator('table').first().textContent()).toContain('ana@example.com');
      await page.locator('#invite input[name="email"]').fill('cy@example.com');
      await page.locator('#invite select[name="role"]').selectOption('viewer');
      await page.locator('#invite button[type="submit"]').click();
      await page.getByText('there is no account for cy@example.com: without an email server only an owner invites someone new').waitFor();
      expect(await page.locator('#invitation-link').count()).toBe(0);
    });

    await acceptAsNewPerson(viewerLink, async (page) => {
      await page.goto(`${spur.url}/projects/${project}/members`);
      expect(await page.locator('main, body').first().textContent()).toContain("Only the project's admins see and manage its members.");
      expect(await page.locator('#invite').count()).toBe(0);
    });

    // The used link answers with why, and makes no second account.
    const again = await browser.newContext();
    try {
      const page = await again.newPage();
      const res = await page.goto(adminLink);
      expect(res!.status()).toBe(409);
      expect(await page.textContent('body')).toContain('this invitation was already used');
    } finally {
      await again.close();
    }
  }, 120_000);
});
