// Issue 28, single sign-on, in a real browser against a real Spur and a real OpenID Connect
// provider (oidc-provider, started here on a local port): the owner sets SSO up on the Settings
// page, logs out, and a user signs in by clicking "Sign in with …" and going through the
// provider's own login and consent pages, landing on the dashboard.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, cli, logInPage, stopAll } from './harness.js';
import { startBrowserStack } from './browser-fixture.js';
import { OIDC_CLIENT, type OidcProvider, startOidcProvider } from './oidc-provider.js';

let spur: SpurProcess;
let browser: Browser;
let provider: OidcProvider;

beforeAll(async () => {
  ({ spur, browser } = await startBrowserStack());
  provider = await startOidcProvider({ redirectUri: `${spur.url}/login/sso/callback` });
  expect((await cli(spur, ['user', 'add', '--email', 'ada@example.com'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await provider?.close();
  await stopAll({ browser, spur });
});

describe('single sign-on in the browser', () => {
  it('the owner sets it up in Settings; after logging out, a user signs in through the provider and lands on the dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await logInPage(page, spur);
      await page.goto(`${spur.url}/settings`);
      await page.getByRole('link', { name: 'Single sign-on' }).click();
      await expect.poll(() => page.locator('code').first().textContent()).toBe(`${spur.url}/login/sso/callback`);
      await page.getByLabel('Issuer URL').fill(provider.issuer);
      await page.getByLabel('Client ID').fill(OIDC_CLIENT.clientId);
      await page.getByLabel('Client secret').fill(OIDC_CLIENT.clientSecret);
      await page.getByLabel('Button label').fill('Test IdP');
      await page.getByRole('button', { name: 'Save single sign-on' }).click();
      await expect.poll(() => page.textContent('body')).toContain('Single sign-on with Test IdP saved');
      expect(await page.getByLabel('Client secret').inputValue()).toBe('');

      // Log out sits in the account menu, opened from the header.
      await page.locator('header.top details.account > summary').click();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${spur.url}/login`);
      await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
      // The provider's own pages.
      await page.waitForURL((u) => u.href.startsWith(provider.issuer));
      await page.getByPlaceholder('Enter any login').fill('ada');
      await page.getByPlaceholder('and password').fill('anything');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${spur.url}/`);
      await expect.poll(() => page.textContent('body')).toContain('ada@example.com');

      const logged = await cli(spur, ['audit', '--action', 'login.sso', '--json']);
      expect(logged.code).toBe(0);
      expect(JSON.parse(logged.stdout).entries).toMatchObject([{ action: 'login.sso', actor: { email: 'ada@example.com' }, via: 'ui', outcome: 'allowed' }]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
