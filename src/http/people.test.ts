// Users, project members and API tokens from the web UI (issue 26, item 14): each page and action,
// the same operations as the API and the CLI, and the refusals a member meets.
import { beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN, shopWithWeb } from '../../test/app-fixture.js';
import { findUserByEmail } from '../store/users.js';
import { SERVER_CONSOLE, deleteUser } from '../users/accounts.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
beforeEach(async () => {
  t = await shopWithWeb();
});

type Who = 'owner' | 'member';
const page = async (who: Who, path: string) => {
  const res = await t.app.request(path, { headers: { Cookie: t.cookies[who] } });
  return { status: res.status, html: await res.text() };
};
const csrfOf = async (who: Who) => /name="_csrf" value="([^"]+)"/.exec((await page(who, '/keys')).html)![1];
/** Posts a form as a browser would (htmx when `hx`), with the session's CSRF token. */
const post = async (who: Who, path: string, fields: Record<string, string> = {}, hx = false) => {
  const res = await t.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: t.cookies[who], ...(hx ? { 'HX-Request': 'true' } : {}) },
    body: new URLSearchParams({ ...fields, _csrf: await csrfOf(who) }).toString(),
  });
  const toast = /spur_toast=([^;]*)/.exec(res.headers.get('Set-Cookie') ?? '')?.[1];
  return { status: res.status, html: await res.text(), location: res.headers.get('Location') ?? res.headers.get('HX-Redirect'), cacheControl: res.headers.get('Cache-Control'), toast: toast && decodeURIComponent(toast) };
};
const memberships = async () => (await t.deps.db.selectFrom('project_members').innerJoin('users', 'users.id', 'project_members.user_id').select('users.email').execute()).map((r) => r.email);
/** The `<form …>` tag whose action is `action`. */
const formTag = (html: string, action: string) => new RegExp(`<form[^>]*action="${action.replace(/[.?]/g, '\\$&')}"[^>]*>`).exec(html)?.[0];

describe('the Users page (owners)', () => {
  it('lists everyone with role, sign-in and last activity, and sits in the navigation for owners only', async () => {
    const { status, html } = await page('owner', '/users');
    expect(status).toBe(200);
    expect(html).toContain('<a href="/users" aria-current="page">Users</a>');
    expect(html).toMatch(/<td>m@example\.com<\/td><td>member<\/td><td>Password set<\/td><td><time/);
    expect(html).toMatch(/<td>o@example\.com<span class="muted"> \(you\)<\/span><\/td><td>owner<\/td>/);
    expect((await page('member', '/')).html).not.toContain('href="/users"');
  });

  it('refuses a member every users page and action, and changes nothing', async () => {
    expect((await page('member', '/users')).status).toBe(403);
    const add = await post('member', '/users', { email: 'x@example.com', role: 'owner' });
    expect(add.status).toBe(403);
    expect(add.html).toContain('only an owner may manage users');
    expect((await post('member', '/users/o@example.com/password', { password: 'taken-over-123' })).status).toBe(403);
    expect((await post('member', '/users/o@example.com/remove')).status).toBe(403);
    expect(await findUserByEmail(t.deps.db, 'x@example.com')).toBeUndefined();
    expect(await findUserByEmail(t.deps.db, 'o@example.com')).toBeDefined();
  });

  it('adds a member without a password, and an owner with one, with a toast', async () => {
    const a = await post('owner', '/users', { email: 'Ana@Example.com', role: 'member', password: '' });
    expect([a.status, a.location]).toEqual([303, '/users']);
    expect(a.toast).toBe('ana@example.com added as member; set a password so they can sign in');
    const b = await post('owner', '/users', { email: 'bo@example.com', role: 'owner', password: 'long-enough-pw' }, true);
    expect([b.status, b.location]).toEqual([204, '/users']);
    expect(await findUserByEmail(t.deps.db, 'ana@example.com')).toMatchObject({ role: 'member', password_hash: null });
    expect((await findUserByEmail(t.deps.db, 'bo@example.com'))?.role).toBe('owner');
    expect((await page('owner', '/users')).html).toMatch(/<td>ana@example\.com<\/td><td>member<\/td><td>No password yet<\/td><td><span class="muted">never<\/span>/);
  });

  it('refuses a bad email, a short password and a taken email beside their fields, keeping what was typed', async () => {
    const bad = await post('owner', '/users', { email: 'not-an-email', role: 'member', password: 'short' }, true);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('value="not-an-email"');
    expect(bad.html).toContain('email: is not an email address');
    expect(bad.html).toContain('password: must be at least 10 characters');
    const taken = await post('owner', '/users', { email: 'm@example.com', role: 'owner' });
    expect(taken.status).toBe(400);
    expect(taken.html).toContain('m@example.com already has an account');
    expect(taken.html).toContain('<option value="owner" selected="">');
    expect((await findUserByEmail(t.deps.db, 'm@example.com'))?.role).toBe('member');
  });

  it("sets a user's password, which ends their browser sessions", async () => {
    const short = await post('owner', '/users/m@example.com/password', { password: 'short' }, true);
    expect(short.status).toBe(400);
    expect(short.html).toContain('password: must be at least 10 characters');
    const ok = await post('owner', '/users/m@example.com/password', { password: 'a-new-password' });
    expect([ok.status, ok.location]).toEqual([303, '/users']);
    expect(ok.toast).toBe('Password set for m@example.com; their browser sessions have ended');
    expect((await t.app.request('/', { headers: { Cookie: t.cookies.member } })).headers.get('Location')).toMatch(/^\/login/);
    const login = await t.app.request('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: 'email=m%40example.com&password=a-new-password' });
    expect(login.status).toBe(303);
  });

  it('removes a user after a question, never the owner themself, and not the last owner from the console', async () => {
    const { html } = await page('owner', '/users');
    expect(formTag(html, '/users/m%40example.com/remove')).toContain('data-confirm="Remove m@example.com? They lose their sessions, API tokens, SSH keys and project memberships. This cannot be undone."');
    expect(formTag(html, '/users/m%40example.com/remove')).toContain('hx-post="/users/m%40example.com/remove"');
    expect(formTag(html, '/users/o%40example.com/remove')).toBeUndefined();
    const self = await post('owner', '/users/o@example.com/remove');
    expect(self.status).toBe(403);
    expect(self.html).toContain('you cannot remove yourself');
    const gone = await post('owner', '/users/m%40example.com/remove', {}, true);
    expect([gone.status, gone.location]).toEqual([204, '/users']);
    expect(gone.toast).toBe('Removed m@example.com, with their sessions, API tokens, SSH keys and memberships');
    expect(await findUserByEmail(t.deps.db, 'm@example.com')).toBeUndefined();
    await expect(deleteUser(t.deps.db, SERVER_CONSOLE, 'o@example.com')).rejects.toThrow('o@example.com is the only owner; make another owner first');
    expect((await post('owner', '/users/nobody@example.com/remove')).status).toBe(404);
  });
});

describe('the Account page: your own API tokens', () => {
  it('is in the account area for everyone and lists your tokens, never their secrets', async () => {
    const { status, html } = await page('member', '/account');
    expect(status).toBe(200);
    expect(html).toContain('<a href="/account" aria-current="page">Account and API tokens</a>');
    // name, scope, project, expires, last used, created (a token from before scopes is admin, of every project, for ever)
    expect(html).toMatch(/<td>t<\/td><td>admin<\/td><td><span class="muted">every project<\/span><\/td><td><span class="muted">never<\/span><\/td><td><span class="muted">never<\/span><\/td><td><time[^>]*>[^<]+<\/time><\/td>/);
    expect(html).not.toMatch(/spur_[A-Za-z0-9_-]{20,}/);
  });

  it('creates a token whose secret is shown once, with a copy button, and works against the API', async () => {
    const made = await post('member', '/account/tokens', { name: 'laptop' }, true);
    expect(made.status).toBe(201);
    expect(made.cacheControl).toBe('no-store');
    const secret = /<code>(spur_[^<]+)<\/code>/.exec(made.html)![1];
    expect(made.html).toContain('Token laptop created.</strong> Copy it now: Spur does not show it again.');
    expect(made.html).toContain(`data-copy="${secret}" aria-label="Copy the token laptop"`);
    expect(made.html).toMatch(/<td>laptop<\/td>/);
    const me = await t.app.request('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
    expect(await me.json()).toEqual({ email: 'm@example.com', role: 'member' });
    expect((await page('member', '/account')).html).not.toContain(secret);
    const refused = await post('member', '/account/tokens', { name: 'a\u0001b' }, true);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('name: must not contain control characters');
  });

  it("revokes your own token after a question; another user's token is not found and keeps working", async () => {
    const tokens = await t.deps.db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id').select(['api_tokens.id', 'users.email']).execute();
    const own = tokens.find((x) => x.email === 'm@example.com')!.id;
    const owners = tokens.find((x) => x.email === 'o@example.com')!.id;
    expect(formTag((await page('member', '/account')).html, `/account/tokens/${own}/revoke`)).toContain('data-confirm="Revoke the token t? Anything using it is refused from now on."');
    expect((await post('member', `/account/tokens/${owners}/revoke`)).status).toBe(404);
    expect((await t.call('owner', 'GET', '/me')).status).toBe(200);
    const done = await post('member', `/account/tokens/${own}/revoke`);
    expect([done.status, done.location]).toEqual([303, '/account']);
    expect(done.toast).toBe('Token revoked: anything using it is refused from now on');
    expect((await t.call('member', 'GET', '/me')).status).toBe(401);
  });
});

describe("a project's Members page", () => {
  it('lets an owner add a user by email and remove them after a question', async () => {
    expect((await page('owner', '/projects/shop')).html).toContain('<a href="/projects/shop/members">Members: who may use shop</a>');
    expect((await page('owner', '/projects/shop/members')).html).toMatch(/<td>o@example\.com<\/td><td><form id="role-[0-9a-f]+" method="post" action="\/projects\/shop\/members\/o%40example.com\/role"[^]*?<option value="admin" selected="">admin<\/option>/);
    const added = await post('owner', '/projects/shop/members', { email: 'M@example.com' });
    expect([added.status, added.location]).toEqual([303, '/projects/shop/members']);
    expect(added.toast).toBe('m@example.com is now a developer of shop');
    expect(await memberships()).toEqual(['o@example.com', 'm@example.com']);
    const { html } = await page('owner', '/projects/shop/members');
    expect(formTag(html, '/projects/shop/members/m%40example.com/remove')).toContain('data-confirm="Remove m@example.com from shop? They can no longer see or change it."');
    const removed = await post('owner', '/projects/shop/members/m%40example.com/remove', {}, true);
    expect([removed.status, removed.location]).toEqual([204, '/projects/shop/members']);
    expect(await memberships()).toEqual(['o@example.com']);
  });

  it('says beside the field that an email has no account, keeping it', async () => {
    const res = await post('owner', '/projects/shop/members', { email: 'nobody@example.com' }, true);
    expect(res.status).toBe(400);
    expect(res.html).toContain('value="nobody@example.com"');
    expect(res.html).toContain('there is no user nobody@example.com; add them on the Users page or with spur user add');
  });

  it('shows a member of the project only the way to leave, refuses their changes (403) and hides the project from others (404)', async () => {
    await post('owner', '/projects/shop/members', { email: 'm@example.com' });
    expect((await page('member', '/projects/shop')).html).not.toContain('/projects/shop/members');
    const own = await page('member', '/projects/shop/members');
    expect(own.status).toBe(200);
    expect(own.html).toContain('Only the project&#39;s admins see and manage its members.');
    expect(own.html).not.toContain('o@example.com');
    expect((await post('member', '/projects/shop/members', { email: 'o@example.com' })).status).toBe(403);
    expect((await post('member', '/projects/shop/members/m%40example.com/remove')).status).toBe(403);
    expect(await memberships()).toEqual(['o@example.com', 'm@example.com']);
    await post('owner', '/projects/shop/members/m%40example.com/remove');
    expect((await page('member', '/projects/shop/members')).status).toBe(404);
    expect((await post('member', '/projects/shop/members', { email: 'm@example.com' })).status).toBe(404);
    expect(await memberships()).toEqual(['o@example.com']);
  });
});

describe('the same operations in the JSON API', () => {
  it('users: an owner lists, adds, sets a password and removes; a member is refused', async () => {
    expect((await t.call('member', 'GET', '/users')).status).toBe(403);
    expect((await t.call('member', 'POST', '/users', { email: 'x@example.com' })).status).toBe(403);
    expect((await t.call('owner', 'POST', '/users', { email: 'x@example.com', role: 'owner' })).json.user).toMatchObject({ email: 'x@example.com', role: 'owner', canSignIn: false });
    expect((await t.call('owner', 'POST', '/users/x@example.com/password', { password: 'long-enough-pw' })).json).toEqual({ passwordSet: 'x@example.com' });
    const users = (await t.call('owner', 'GET', '/users')).json.users;
    expect(users.map((u: { email: string; canSignIn: boolean }) => [u.email, u.canSignIn])).toEqual([['m@example.com', true], ['o@example.com', true], ['x@example.com', true]]);
    expect((await t.call('owner', 'DELETE', '/users/x@example.com')).json).toEqual({ removed: 'x@example.com' });
    expect((await t.call('owner', 'DELETE', '/users/o@example.com')).status).toBe(403);
  });

  it('tokens: one lists their own, only an admin token mints another (token-scope-matrix.test.ts); members: an owner lists them', async () => {
    await post('member', '/account/tokens', { name: 'ci' });
    expect((await t.call('member', 'GET', '/tokens')).json.tokens.map((x: { name: string }) => x.name)).toEqual(['t', 'ci']);
    expect((await t.call('member', 'POST', '/tokens', { name: 'more', scope: 'deploy' })).status).toBe(201);
    expect(await t.deps.db.selectFrom('api_tokens').select(['name', 'scope']).where('name', '=', 'more').execute()).toEqual([{ name: 'more', scope: 'deploy' }]);
    await t.call('owner', 'POST', '/projects/shop/members', { email: 'm@example.com' });
    expect((await t.call('owner', 'GET', '/projects/shop/members')).json).toMatchObject({ members: [{ email: 'm@example.com', role: 'developer' }, { email: 'o@example.com', role: 'admin' }] });
    expect((await t.call('member', 'GET', '/projects/shop/members')).status).toBe(403);
  });
});

// The member's "last active" is their most recent sign-in or token use.
describe('last activity', () => {
  it('is the latest sign-in or API call', async () => {
    await t.deps.db.deleteFrom('sessions').execute();
    expect(((await t.call('owner', 'GET', '/users')).json.users as { lastActiveAt: string | null }[]).find((u, i) => i === 0)!.lastActiveAt).toBeNull();
    await t.call('member', 'GET', '/me');
    const users = (await t.call('owner', 'GET', '/users')).json.users as { email: string; lastActiveAt: string | null }[];
    expect(users.find((u) => u.email === 'm@example.com')!.lastActiveAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
