// End to end in a browser, two-factor sign-in and sessions (issue 28, "Sign-in"): the owner enrols
// on the account's security page (the secret read from the page, the code computed with otplib as
// an authenticator app would), signs out, signs in with password and code, and ends the session
// another browser holds — which is then signed out.
import type { Browser } from 'playwright-core';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, logInPage, stopAll } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';

let spur: SpurProcess;
let browser: Browser;

beforeAll(async () => {
  ({ spur, browser } = await startBrowserStack());
});

afterAll(async () => {
  await stopAll({ browser, spur });
});

describe('two-factor sign-in in a browser', () => {
  it('enrols, signs in with password and code, and ends another session', async () => {
    // Another browser, signed in before two-factor was on.
    const elsewhere = await browser.newContext();
    const other = await elsewhere.newPage();
    await logInPage(other, spur);

    const context = await browser.newContext();
    const page = await context.newPage();
    await logInPage(page, spur);
    await page.goto(`${spur.url}/account`);
    await page.getByRole('link', { name: 'Two-factor sign-in and sessions' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await expect.poll(() => page.locator('figure.qr svg').count()).toBe(1);
    const secret = (await page.locator('#two-factor-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect.poll(() => page.locator('#recovery-codes li').count()).toBe(10);

    // Sign out, then in again: the password, then a code (of the next time step: the enrolment's is used).
    await page.locator('details.account summary').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${spur.url}/login`);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('a long password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/login\/code/);
    await page.getByLabel('Code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${spur.url}/`);

    // The other browser's session, ended from here: it is signed out.
    await page.goto(`${spur.url}/account/two-factor`);
    await expect.poll(() => page.locator('#sessions tbody tr').count()).toBe(2);
    await expect.poll(() => page.getByText('(this one)').count()).toBe(1);
    await page.locator('#sessions tbody tr', { hasNotText: '(this one)' }).getByRole('button').click();
    await expect.poll(() => page.locator('#sessions tbody tr').count()).toBe(1);
    await other.goto(`${spur.url}/`);
    expect(new URL(other.url()).pathname).toBe('/login');
    await page.goto(`${spur.url}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    await elsewhere.close();
    await context.close();
  });
});
