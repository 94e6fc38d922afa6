// The set-up every browser test file starts from: a Spur (with a git host when asked), the CLI
// logged in, the owner's password set to the one logInPage types, the file's project, and Chromium.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { GitServer } from './fixtures/git-server.js';
import { type SpurProcess, cli, launchBrowser, logInPage, loginCli, startGitStack, startSpur, stopAll } from './harness.js';

export interface BrowserStack {
  spur: SpurProcess;
  token: string;
  browser: Browser;
}

/** Starts what a browser test file needs; call it from the file's beforeAll and hand what it
 *  returns to stopAll in its afterAll. `project`, when given, is created from the CLI. */
export async function startBrowserStack(opts?: { project?: string; git?: false; env?: Record<string, string> }): Promise<BrowserStack>;
export async function startBrowserStack(opts: { project?: string; git: true; env?: Record<string, string> }): Promise<BrowserStack & { git: GitServer }>;
export async function startBrowserStack(opts: { project?: string; git?: boolean; env?: Record<string, string> } = {}): Promise<BrowserStack & { git?: GitServer }> {
  const { git, spur, token: gitToken } = opts.git ? await startGitStack({ env: opts.env }) : { git: undefined, spur: await startSpur({ env: opts.env }), token: undefined };
  try {
    const token = gitToken ?? (await loginCli(spur));
    await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'a long password\n');
    if (opts.project) expect((await cli(spur, ['project', 'create', opts.project])).code).toBe(0);
    return { git, spur, token, browser: await launchBrowser() };
  } catch (err) {
    // The file's afterAll never saw these: stop them here.
    await stopAll({ spur, git });
    throw err;
  }
}

/** Runs `body` on a fresh page of a new context (`options`: its viewport, colour scheme, …),
 *  logged in to `spur` as the owner, then closes the context. */
export async function withLoggedInPage(browser: Browser, spur: SpurProcess, options: BrowserContextOptions, body: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    const page = await context.newPage();
    await logInPage(page, spur);
    await body(page);
  } finally {
    await context.close();
  }
}
