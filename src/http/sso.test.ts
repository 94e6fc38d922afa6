// App tier, against a REAL OpenID Connect provider (oidc-provider on a local port) and Spur's
// createApp served on a real port: the owner sets single sign-on up, users sign in through the
// provider's own pages (driven with fetch), and what must be refused is.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { hashPassword } from '../secrets.js';
import { createApiToken, createSession, createUser } from '../store/users.js';
import { createApp } from './app.js';
import { makeTestDeps } from '../../test/app-fixture.js';
import { Browser, OIDC_CLIENT, type OidcProvider, signInAtProvider, startOidcProvider } from '../../test/oidc-provider.js';

let deps: Deps;
let spur: string;
let app: ReturnType<typeof createApp>;
let server: ReturnType<typeof serve>;
let provider: OidcProvider;
let ownerToken: string;

// One socket for the file; each test gets a fresh database and app behind it (a restart, for the replay test).
beforeAll(async () => {
  server = serve({ fetch: (req, env) => app.fetch(req, env), port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  spur = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = await startOidcProvider({ redirectUri: `${spur}/login/sso/callback` });
});
afterAll(async () => {
  await provider?.close();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(async () => {
  deps = await makeTestDeps();
  deps.config = { ...deps.config, publicUrl: spur };
  deps.setup.claim();
  const passwordHash = await hashPassword('a long password');
  const owner = await createUser(deps.db, { email: 'owner@example.com', passwordHash, role: 'owner' });
  await createUser(deps.db, { email: 'ada@example.com', passwordHash, role: 'member' });
  await createUser(deps.db, { email: 'eve@example.com', passwordHash, role: 'member' });
  ownerToken = await createApiToken(deps.db, owner.id, 't');
  app = createApp(deps);
});

const api = async (method: string, path: string, body?: unknown, token = ownerToken) => {
  const res = await fetch(`${spur}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
};
const configure = () => api('PATCH', '/settings/sso', { provider: { issuer: provider.issuer, ...OIDC_CLIENT, label: 'Test IdP' } });
const ssoLogins = () => deps.db.selectFrom('audit_entries').select(['actor_email', 'action', 'via', 'outcome', 'after']).where('action', '=', 'login.sso').orderBy('id').execute();
const host = () => new URL(spur).host;

describe('the owner sets single sign-on up', () => {
  it('keeps the provider after discovery, never shows or logs the client secret, and gives the fixed callback', async () => {
    const res = await configure();
    expect(res).toEqual({ status: 200, json: { provider: { issuer: provider.issuer, clientId: OIDC_CLIENT.clientId, label: 'Test IdP' }, passwordLogin: true, callbackUrl: `${spur}/login/sso/callback` } });
    expect(JSON.stringify((await api('GET', '/settings/sso')).json)).not.toContain(OIDC_CLIENT.clientSecret);
    const logged = await deps.db.selectFrom('audit_entries').selectAll().where('action', '=', 'settings.change').execute();
    expect(logged.map((e) => JSON.parse(e.after!))).toEqual([{ provider: { issuer: provider.issuer, clientId: OIDC_CLIENT.clientId, label: 'Test IdP', clientSecret: '(set)' } }]);
    expect(JSON.stringify(await deps.db.selectFrom('audit_entries').selectAll().execute())).not.toContain(OIDC_CLIENT.clientSecret);
    expect(JSON.stringify(await deps.db.selectFrom('settings').selectAll().execute())).not.toContain(OIDC_CLIENT.clientSecret);
    // The secret may be left out to keep the stored one; a new one is logged as changed.
    expect((await api('PATCH', '/settings/sso', { provider: { issuer: provider.issuer, clientId: OIDC_CLIENT.clientId, label: 'Corp' } })).status).toBe(200);
    expect((await api('PATCH', '/settings/sso', { provider: { issuer: provider.issuer, clientId: OIDC_CLIENT.clientId, clientSecret: 'another-secret', label: 'Corp' } })).status).toBe(200);
    const last = await deps.db.selectFrom('audit_entries').select('after').where('action', '=', 'settings.change').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(last.after!).provider.clientSecret).toBe('(changed)');
  });

  it('refuses an issuer that is not https (http only on this machine) or does not answer discovery', async () => {
    const withIssuer = (issuer: string) => api('PATCH', '/settings/sso', { provider: { issuer, ...OIDC_CLIENT } });
    expect(await withIssuer('http://idp.example.com')).toEqual({ status: 400, json: { error: 'issuer: must be an https:// URL (http:// only for a provider on this server: localhost, 127.0.0.1)' } });
    expect((await withIssuer('https://user:pw@idp.example.com')).json.error).toBe('issuer: must not carry credentials');
    expect((await withIssuer('javascript:alert(1)')).status).toBe(400);
    const silent = await withIssuer('http://127.0.0.1:1');
    expect(silent.status).toBe(400);
    expect(silent.json.error).toMatch(/^issuer: http:\/\/127\.0\.0\.1:1 did not answer OpenID discovery/);
    expect((await api('GET', '/settings/sso')).json.provider).toBeNull();
  });

  it('refuses to turn password sign-in off without single sign-on, and to remove single sign-on while it is off', async () => {
    expect(await api('PATCH', '/settings/sso', { passwordLogin: 'off' })).toEqual({ status: 409, json: { error: 'set up single sign-on before turning password sign-in off: nobody could sign in' } });
    await configure();
    expect((await api('PATCH', '/settings/sso', { passwordLogin: 'off' })).json.passwordLogin).toBe(false);
    const last = await deps.db.selectFrom('audit_entries').select(['before', 'after']).where('action', '=', 'settings.change').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last).toEqual({ before: JSON.stringify({ ssoOnly: false }), after: JSON.stringify({ ssoOnly: true }) });
    expect(await api('PATCH', '/settings/sso', { provider: null })).toEqual({ status: 409, json: { error: 'turn password sign-in back on before removing single sign-on: nobody could sign in' } });
  });

  it('is set on the Settings page: the callback to register is shown, the secret never', async () => {
    const owner = await deps.db.selectFrom('users').select('id').where('email', '=', 'owner@example.com').executeTakeFirstOrThrow();
    const { token, csrfToken } = await createSession(deps.db, owner.id);
    const headers = { Cookie: `spur_session=${token}`, Origin: spur };
    const form = { _csrf: csrfToken, issuer: provider.issuer, clientId: OIDC_CLIENT.clientId, clientSecret: OIDC_CLIENT.clientSecret, label: 'Test IdP', passwordLogin: 'off' };
    const saved = await fetch(`${spur}/settings/sso`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form), redirect: 'manual' });
    expect(saved.status).toBe(303);
    const page = await (await fetch(`${spur}/settings/sso`, { headers })).text();
    expect(page).toContain(`${spur}/login/sso/callback`);
    expect(page).toContain(`value="${provider.issuer}"`);
    expect(page).toContain('<option value="off" selected="">');
    expect(page).not.toContain(OIDC_CLIENT.clientSecret);
    // A bad issuer comes back beside its field, nothing saved.
    const bad = await fetch(`${spur}/settings/sso`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...form, issuer: 'http://idp.example.com' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('issuer: must be an https:// URL');
    expect((await api('GET', '/settings/sso')).json.provider.issuer).toBe(provider.issuer);
  });

  it('is the owner’s alone', async () => {
    const member = await deps.db.selectFrom('users').select('id').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    const token = await createApiToken(deps.db, member.id, 't');
    expect(await api('PATCH', '/settings/sso', { passwordLogin: 'on' }, token)).toEqual({ status: 403, json: { error: "only an owner can change Spur's settings" } });
    const { token: session } = await createSession(deps.db, member.id);
    expect((await fetch(`${spur}/settings/sso`, { headers: { Cookie: `spur_session=${session}` } })).status).toBe(403);
  });
});

describe('signing in through the provider', () => {
  beforeEach(async () => {
    expect((await configure()).status).toBe(200);
  });

  /** From Spur's login page through the button to the provider's login page. */
  const toProvider = async (b: Browser) => {
    const login = await b.go(`${spur}/login`);
    expect(login.text).toContain('Sign in with Test IdP');
    const page = await b.go(`${spur}/login/sso?next=/`);
    expect(page.url.startsWith(provider.issuer)).toBe(true);
    return page;
  };

  it('signs a user with a verified email in, lands on the dashboard, and records it', async () => {
    const b = new Browser();
    const landed = await signInAtProvider(b, await toProvider(b), 'ada');
    expect(landed.url).toBe(`${spur}/`);
    expect(landed.res.status).toBe(200);
    expect(landed.text).toContain('ada@example.com');
    expect(b.cookie(host(), 'spur_session')).toBeTruthy();
    expect(b.cookie(host(), 'spur_sso')).toBeUndefined();
    expect(await ssoLogins()).toEqual([{ actor_email: 'ada@example.com', action: 'login.sso', via: 'ui', outcome: 'allowed', after: null }]);
  });

  it('refuses an email the provider has not verified', async () => {
    const b = new Browser();
    const page = await signInAtProvider(b, await toProvider(b), 'eve');
    expect(page.res.status).toBe(403);
    expect(page.text).toContain('Test IdP has not verified the email eve@example.com; Spur signs in only verified emails.');
    expect(b.cookie(host(), 'spur_session')).toBeUndefined();
    expect(await ssoLogins()).toEqual([{ actor_email: '(no such user)', action: 'login.sso', via: 'ui', outcome: 'refused', after: JSON.stringify({ reason: 'the email eve@example.com is not verified by the provider' }) }]);
  });

  it('refuses a verified email no Spur user has (nobody is created)', async () => {
    const b = new Browser();
    const page = await signInAtProvider(b, await toProvider(b), 'zed');
    expect(page.res.status).toBe(403);
    expect(page.text).toContain('No Spur account has the email zed@example.com. Ask an owner to add you.');
    expect(b.cookie(host(), 'spur_session')).toBeUndefined();
    expect(await deps.db.selectFrom('users').select('email').where('email', '=', 'zed@example.com').executeTakeFirst()).toBeUndefined();
    expect((await ssoLogins()).map((e) => e.outcome)).toEqual(['refused']);
  });

  it('refuses an answer whose state is not the one this browser started with', async () => {
    const b = new Browser();
    const stopped = await signInAtProvider(b, await toProvider(b), 'ada', `${spur}/login/sso/callback`);
    const forged = new URL(stopped.url);
    forged.searchParams.set('state', 'somebody-elses-state');
    const page = await b.go(forged.href);
    expect(page.res.status).toBe(403);
    expect(page.text).toContain('This answer does not belong to the sign-in this browser started.');
    expect(b.cookie(host(), 'spur_session')).toBeUndefined();
    expect((await ssoLogins()).map((e) => JSON.parse(e.after!).reason)).toEqual(['wrong state']);
  });

  it('refuses an answer from a browser that started no sign-in (login CSRF)', async () => {
    const b = new Browser();
    const stopped = await signInAtProvider(b, await toProvider(b), 'ada', `${spur}/login/sso/callback`);
    const victim = new Browser();
    const page = await victim.go(stopped.url);
    expect(page.res.status).toBe(403);
    expect(victim.cookie(host(), 'spur_session')).toBeUndefined();
  });

  it('refuses a replayed answer: the same callback and cookie again, and the code after a restart', async () => {
    const b = new Browser();
    const stopped = await signInAtProvider(b, await toProvider(b), 'ada', `${spur}/login/sso/callback`);
    const pending = b.cookie(host(), 'spur_sso')!;
    expect((await b.go(stopped.url)).url).toBe(`${spur}/`);
    const replay = new Browser();
    replay.setCookie(host(), 'spur_sso', pending);
    const again = await replay.go(stopped.url);
    expect(again.res.status).toBe(403);
    expect(again.text).toContain('This sign-in answer was already used. Start again.');
    // Spur restarted (the states it saw are forgotten): the provider refuses the used code.
    app = createApp(deps);
    const afterRestart = new Browser();
    afterRestart.setCookie(host(), 'spur_sso', pending);
    const refused = await afterRestart.go(stopped.url);
    expect(refused.res.status).toBe(403);
    expect(refused.text).toContain('Test IdP did not sign you in');
    expect(afterRestart.cookie(host(), 'spur_session')).toBeUndefined();
    expect((await ssoLogins()).map((e) => e.outcome)).toEqual(['allowed', 'refused', 'refused']);
  });

  it('counts answers per client address: after 10 refusals the 11th is turned away unrecorded', async () => {
    const stranger = new Browser();
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push((await stranger.go(`${spur}/login/sso/callback?code=x${i}&state=y`)).res.status);
    expect(answers).toEqual([...Array(10).fill(403), 429]);
    expect(await ssoLogins()).toHaveLength(10);
  });

  it('with password sign-in off, the password form is gone and a password post is refused, but SSO signs in', async () => {
    expect((await api('PATCH', '/settings/sso', { passwordLogin: 'off' })).status).toBe(200);
    const b = new Browser();
    const login = await b.go(`${spur}/login`);
    expect(login.text).not.toContain('name="password"');
    const post = await b.go(`${spur}/login`, { email: 'owner@example.com', password: 'a long password' });
    expect(post.res.status).toBe(403);
    expect(post.text).toContain('Password sign-in is turned off; sign in with Test IdP.');
    expect(b.cookie(host(), 'spur_session')).toBeUndefined();
    expect((await signInAtProvider(b, await toProvider(b), 'ada')).url).toBe(`${spur}/`);
  });
});
