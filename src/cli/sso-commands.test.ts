// `spur sso` against the real API (createApp on a local port) and a real OIDC provider, and
// `spur password-login on` against a database file, as on the server.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.js';
import { passwordLoginOn, setPasswordLogin } from '../store/sso-settings.js';
import { makeTestApp, ownerAndMember } from '../../test/app-fixture.js';
import { OIDC_CLIENT, type OidcProvider, startOidcProvider } from '../../test/oidc-provider.js';
import { passwordLoginCommand, ssoCommands } from './sso-commands.js';

let server: ReturnType<typeof serve>;
let provider: OidcProvider;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  const made = await makeTestApp();
  const { tokens } = await ownerAndMember(made.deps);
  server = await new Promise((resolve) => {
    const s = serve({ fetch: made.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  env = { SPUR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SPUR_TOKEN: tokens.owner, HOME: '/nonexistent' };
  provider = await startOidcProvider({ redirectUri: 'http://localhost/login/sso/callback' });
});
afterAll(async () => {
  await provider?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const run = async (command: (argv: string[], io: any) => Promise<void>, argv: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const out: string[] = [];
  await command(argv, { env: { ...env, ...extraEnv }, stdout: (l: string) => out.push(l), stderr: () => {} });
  return out.join('\n');
};

describe('spur sso', () => {
  it('sets the provider (secret from the environment), turns password sign-in off, and never prints the secret', async () => {
    const set = await run(ssoCommands.sso, ['--issuer', provider.issuer, '--client-id', OIDC_CLIENT.clientId, '--label', 'Corp', '--password-login', 'off'], { SPUR_SSO_CLIENT_SECRET: OIDC_CLIENT.clientSecret });
    expect(set).toBe(
      [`Single sign-on:   "Sign in with Corp" — ${provider.issuer} (client ${OIDC_CLIENT.clientId})`, 'Redirect URI:     http://localhost/login/sso/callback', 'Password sign-in: off (if you are locked out: spur password-login on, on the server)'].join('\n'),
    );
    expect(JSON.parse(await run(ssoCommands.sso, ['--json']))).toEqual({ provider: { issuer: provider.issuer, clientId: OIDC_CLIENT.clientId, label: 'Corp' }, passwordLogin: false, callbackUrl: 'http://localhost/login/sso/callback' });
    await expect(run(ssoCommands.sso, ['--client-id', 'x'])).rejects.toThrow('give --issuer with --client-id and the other single sign-on settings');
  });
});

describe('spur password-login on (on the server)', () => {
  it('turns password sign-in back on in the database and records it as the server console', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spur-sso-'));
    try {
      const db = await openDatabase(join(dataDir, 'spur.db'));
      await setPasswordLogin(db, false);
      await db.destroy();
      expect(await run(passwordLoginCommand, ['on'], { SPUR_DATA_DIR: dataDir })).toBe('Password sign-in is on again: users with a password can log in on the login page');
      const after = await openDatabase(join(dataDir, 'spur.db'));
      expect(await passwordLoginOn(after)).toBe(true);
      expect(await after.selectFrom('audit_entries').select(['actor_kind', 'actor_email', 'action', 'via', 'after']).execute()).toEqual([{ actor_kind: 'system', actor_email: 'server console', action: 'settings.change', via: 'cli', after: JSON.stringify({ ssoOnly: false }) }]);
      await after.destroy();
      await expect(run(passwordLoginCommand, ['off'], { SPUR_DATA_DIR: dataDir })).rejects.toThrow(/usage: spur password-login on/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
