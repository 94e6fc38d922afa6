// App tier: two-factor sign-in and sessions (issue 28, "Sign-in"). A browser is a cookie jar
// driving the real routes: enrol on the security page, sign in with password then code, and see
// the refusals a user meets (a wrong code, a replayed one, too many, a used recovery code), the
// owner's requirement, and sessions that really end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generate } from 'otplib';
import type { Deps } from '../deps.js';
import { hashPassword } from '../secrets.js';
import { createApiToken, createUser } from '../store/users.js';
import { createApp } from './app.js';
import { ORIGIN, makeTestDeps } from '../../test/app-fixture.js';

const PASSWORD = 'a long password';
/** Each sign-in checks a password with scrypt: on a busy machine a test of several takes seconds. */
const SCRYPT_HEAVY = { timeout: 30_000 };
let deps: Deps;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  // Only the clock is faked: codes of later time steps without waiting 30 seconds.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-05T15:00:05Z') });
  deps = await makeTestDeps();
  app = createApp(deps);
  const passwordHash = await hashPassword(PASSWORD);
  await createUser(deps.db, { email: 'o@example.com', passwordHash, role: 'owner' });
  await createUser(deps.db, { email: 'm@example.com', passwordHash, role: 'member' });
  deps.setup.claim();
});
afterEach(() => vi.useRealTimers());

const nextStep = () => vi.setSystemTime(Date.now() + 30_000);

/** A browser: its cookies, kept between requests as a browser keeps them. */
let peers = 0;
function browser(userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0') {
  // Each browser from its own address, as a real socket would carry it.
  const env = { incoming: { socket: { remoteAddress: `198.51.100.${++peers}`, remoteFamily: 'IPv4' } } };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || /Max-Age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = async (path: string) => {
    const res = keep(await app.request(path, { headers: { Cookie: cookie(), 'User-Agent': userAgent } }, env));
    return { status: res.status, location: res.headers.get('Location'), html: await res.text() };
  };
  const post = async (path: string, fields: Record<string, string> = {}) => {
    const csrf = jar.has('spur_session') ? /name="_csrf" value="([^"]+)"/.exec((await get('/account/two-factor')).html)?.[1] : undefined;
    const res = keep(
      await app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: cookie(), 'User-Agent': userAgent },
        body: new URLSearchParams({ ...fields, ...(csrf ? { _csrf: csrf } : {}) }).toString(),
      }, env),
    );
    return { status: res.status, location: res.headers.get('Location'), html: await res.text() };
  };
  return { jar, get, post, address: env.incoming.socket.remoteAddress, signedIn: async () => (await get('/')).status === 200 };
}

/** Enrols `email` through the security page; the secret as the page shows it, and the recovery codes. */
async function enrol(email: string) {
  const b = browser();
  expect((await b.post('/login', { email, password: PASSWORD })).location).toBe('/');
  const started = await b.post('/account/two-factor/start');
  expect(started.status).toBe(200);
  const secret = /<code id="two-factor-secret">([A-Z2-7]+)<\/code>/.exec(started.html)![1];
  expect(started.html).toContain('<svg');
  const done = await b.post('/account/two-factor/confirm', { code: await generate({ secret }) });
  expect(done.status).toBe(201);
  const codes = [...done.html.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]);
  return { b, secret, codes };
}

const audit = (action: string) => deps.db.selectFrom('audit_entries').selectAll().where('action', '=', action).execute();

describe('enrolment', SCRYPT_HEAVY, () => {
  it('confirms with a code from the secret shown, gives 10 recovery codes once, and keeps neither secret nor codes in clear', async () => {
    const b = browser();
    await b.post('/login', { email: 'm@example.com', password: PASSWORD });
    const started = await b.post('/account/two-factor/start');
    const secret = /<code id="two-factor-secret">([A-Z2-7]+)<\/code>/.exec(started.html)![1];
    const wrong = await b.post('/account/two-factor/confirm', { code: '000000' === (await generate({ secret })) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('That code is not right.');
    expect((await b.get('/account/two-factor')).html).toContain('two-factor-secret'); // still pending
    const done = await b.post('/account/two-factor/confirm', { code: await generate({ secret }) });
    expect(done.status).toBe(201);
    const codes = [...done.html.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect((await b.get('/account/two-factor')).html).toContain('<strong>On.</strong> 10 of 10 recovery codes left.');
    const stored = JSON.stringify([await deps.db.selectFrom('two_factor').selectAll().execute(), await deps.db.selectFrom('recovery_codes').selectAll().execute(), await deps.db.selectFrom('audit_entries').selectAll().execute()]);
    expect(stored).not.toContain(secret);
    for (const code of codes) expect(stored).not.toContain(code.replace(/-/g, ''));
    expect((await audit('two-factor.enrol')).map((e) => [e.actor_email, e.outcome])).toEqual([['m@example.com', 'allowed']]);
  });
});

describe('signing in with two factors', SCRYPT_HEAVY, () => {
  it('asks for a code after the password, with no session before it; a wrong code is refused and recorded', async () => {
    const { secret } = await enrol('m@example.com');
    nextStep();
    const b = browser();
    const password = await b.post('/login', { email: 'm@example.com', password: PASSWORD, next: '/keys' });
    expect([password.status, password.location]).toEqual([303, '/login/code?next=%2Fkeys']);
    expect(b.jar.has('spur_session')).toBe(false);
    expect(await b.signedIn()).toBe(false);
    const wrong = await b.post('/login/code', { code: (await generate({ secret })) === '123456' ? '654321' : '123456', next: '/keys' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('That code is not right, or was used already.');
    expect((await audit('two-factor.code')).map((e) => [e.actor_email, e.outcome])).toEqual([['m@example.com', 'refused']]);
    const right = await b.post('/login/code', { code: await generate({ secret }), next: '/keys' });
    expect([right.status, right.location]).toEqual([303, '/keys']);
    expect(await b.signedIn()).toBe(true);
  });

  it('refuses a code used once already, in its own window', async () => {
    const { secret } = await enrol('m@example.com');
    nextStep();
    const code = await generate({ secret });
    const first = browser();
    await first.post('/login', { email: 'm@example.com', password: PASSWORD });
    expect((await first.post('/login/code', { code })).status).toBe(303);
    const second = browser();
    await second.post('/login', { email: 'm@example.com', password: PASSWORD });
    const replayed = await second.post('/login/code', { code });
    expect(replayed.status).toBe(401);
    expect(await second.signedIn()).toBe(false);
  });

  it('takes one code once even when sent in parallel (the check and the record are one statement)', async () => {
    const { secret, codes } = await enrol('m@example.com');
    nextStep();
    const browsers = [browser(), browser(), browser(), browser()];
    for (const b of browsers) await b.post('/login', { email: 'm@example.com', password: PASSWORD });
    const code = await generate({ secret });
    const statuses = (await Promise.all(browsers.map((b) => b.post('/login/code', { code })))).map((r) => r.status).sort();
    expect(statuses).toEqual([303, 401, 401, 401]);
    const again = [browser(), browser(), browser()];
    for (const b of again) await b.post('/login', { email: 'm@example.com', password: PASSWORD });
    const recovery = (await Promise.all(again.map((b) => b.post('/login/code', { code: codes[0] })))).map((r) => r.status).sort();
    expect(recovery).toEqual([303, 401, 401]);
  });

  it('has no code step without the password first, nor with a forged pending cookie', async () => {
    await enrol('m@example.com');
    const b = browser();
    expect((await b.get('/login/code')).location).toBe('/login');
    const user = await deps.db.selectFrom('users').select('id').where('email', '=', 'm@example.com').executeTakeFirstOrThrow();
    b.jar.set('spur_2fa', `${user.id}.${Date.now() + 60_000}.nonce.forged`);
    expect((await b.post('/login/code', { code: '123456' })).status).toBe(401);
  });

  it('limits codes like passwords: past 10 wrong codes even the right one is refused (429)', async () => {
    const { secret } = await enrol('m@example.com');
    nextStep();
    const b = browser();
    await b.post('/login', { email: 'm@example.com', password: PASSWORD });
    const right = await generate({ secret });
    const wrong = right === '000000' ? '000001' : '000000';
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await b.post('/login/code', { code: wrong })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const refused = await b.post('/login/code', { code: right });
    expect(refused.status).toBe(429);
    expect(refused.html).toContain('Too many wrong codes.');
    expect(await b.signedIn()).toBe(false);
  });

  it('takes a recovery code once', async () => {
    const { codes } = await enrol('m@example.com');
    const first = browser();
    await first.post('/login', { email: 'm@example.com', password: PASSWORD });
    expect((await first.post('/login/code', { code: codes[3].toUpperCase() })).status).toBe(303);
    expect(await first.signedIn()).toBe(true);
    const again = browser();
    await again.post('/login', { email: 'm@example.com', password: PASSWORD });
    expect((await again.post('/login/code', { code: codes[3] })).status).toBe(401);
    expect((await audit('two-factor.recovery-code')).map((e) => [e.actor_email, e.after])).toEqual([['m@example.com', '{"recoveryCodesLeft":9}']]);
    expect(JSON.stringify(await deps.db.selectFrom('audit_entries').selectAll().execute())).not.toContain(codes[3]);
  });

  it('is turned off with a current code or the password, not with a wrong one', async () => {
    const { b } = await enrol('m@example.com');
    expect((await b.post('/account/two-factor/disable', { code: '000000', password: 'not the password' })).status).toBe(400);
    expect((await b.get('/account/two-factor')).html).toContain('<strong>On.</strong>');
    expect((await b.post('/account/two-factor/disable', { password: PASSWORD })).status).toBe(303);
    expect((await b.get('/account/two-factor')).html).toContain('<strong>Off.</strong>');
    expect((await audit('two-factor.disable')).map((e) => e.outcome)).toEqual(['refused', 'allowed']);
    const again = browser();
    expect((await again.post('/login', { email: 'm@example.com', password: PASSWORD })).location).toBe('/');
  });

  it('limits the turning-off form like sign-in, as it checks a password and a code', async () => {
    const { b } = await enrol('m@example.com');
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await b.post('/account/two-factor/disable', { password: `guess ${i} of it` })).status);
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
    const refused = await b.post('/account/two-factor/disable', { password: PASSWORD });
    expect(refused.status).toBe(429);
    expect((await b.get('/account/two-factor')).html).toContain('<strong>On.</strong>');
  });

  it("an owner resets a user's two-factor (recorded); a member may not", async () => {
    await enrol('m@example.com');
    const owner = await createUser(deps.db, { email: 'o2@example.com', passwordHash: null, role: 'owner' });
    const tokens = { owner: await createApiToken(deps.db, owner.id, 't'), member: await createApiToken(deps.db, (await deps.db.selectFrom('users').select('id').where('email', '=', 'm@example.com').executeTakeFirstOrThrow()).id, 't') };
    const call = (who: 'owner' | 'member') => app.request('/api/v1/users/m%40example.com/two-factor', { method: 'DELETE', headers: { Authorization: `Bearer ${tokens[who]}` } });
    const refused = await call('member');
    expect(refused.status).toBe(403);
    const reset = await call('owner');
    expect([reset.status, await reset.json()]).toEqual([200, { twoFactorReset: 'm@example.com' }]);
    expect((await audit('two-factor.reset')).map((e) => [e.actor_email, e.object_name, e.outcome])).toEqual([['o2@example.com', 'm@example.com', 'allowed']]);
    expect((await browser().post('/login', { email: 'm@example.com', password: PASSWORD })).location).toBe('/');
  });
});

describe("the owner's controls in the UI", SCRYPT_HEAVY, () => {
  it('Settings has the switch; Users shows who has two-factor and resets it, a member is refused', async () => {
    await enrol('m@example.com');
    const owner = browser();
    await owner.post('/login', { email: 'o@example.com', password: PASSWORD });
    expect((await owner.get('/settings')).html).toContain('<input type="checkbox" name="required" value="on"/> Require two-factor sign-in of everyone');
    const users = (await owner.get('/users')).html;
    expect(users).toContain('<td>Password set, two-factor on</td>');
    expect(users).toContain('action="/users/m%40example.com/two-factor/reset"');
    const member = browser();
    await member.post('/login', { email: 'm@example.com', password: PASSWORD });
    // The member is half signed in (code step); a session of their own is needed to try: give one.
    const { createSession } = await import('../store/users.js');
    const m = await deps.db.selectFrom('users').select('id').where('email', '=', 'm@example.com').executeTakeFirstOrThrow();
    member.jar.set('spur_session', (await createSession(deps.db, m.id)).token);
    expect((await member.post('/users/o%40example.com/two-factor/reset')).status).toBe(403);
    expect((await member.post('/settings/two-factor', { required: 'on' })).status).toBe(403);
    const reset = await owner.post('/users/m%40example.com/two-factor/reset');
    expect([reset.status, reset.location]).toEqual([303, '/users']);
    expect((await owner.get('/users')).html).not.toContain('two-factor on');
  });
});

describe("the owner's requirement", SCRYPT_HEAVY, () => {
  it('sends a user without two-factor to enrol and lets them do nothing else until they have; API tokens go on', async () => {
    const owner = browser();
    await owner.post('/login', { email: 'o@example.com', password: PASSWORD });
    // The owner's own switch sends the owner to enrol too, once saved.
    expect((await owner.post('/settings/two-factor', { required: 'on' })).location).toBe('/settings');
    expect((await audit('settings.two-factor')).map((e) => e.after)).toEqual(['{"required":true}']);
    const member = browser();
    await member.post('/login', { email: 'm@example.com', password: PASSWORD });
    expect(await member.get('/')).toMatchObject({ status: 303, location: '/account/two-factor' });
    expect(await member.get('/keys')).toMatchObject({ status: 303, location: '/account/two-factor' });
    const page = await member.get('/account/two-factor');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Spur&#39;s owner requires two-factor sign-in.');
    const refused = await member.post('/projects', { name: 'sneaky' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('two-factor sign-in is required: set it up at /account/two-factor first');
    expect(await deps.db.selectFrom('projects').selectAll().execute()).toEqual([]);
    const user = await deps.db.selectFrom('users').select('id').where('email', '=', 'm@example.com').executeTakeFirstOrThrow();
    const token = await createApiToken(deps.db, user.id, 'ci');
    expect((await app.request('/api/v1/projects', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    // Enrolled: everything again.
    const started = await member.post('/account/two-factor/start');
    const secret = /<code id="two-factor-secret">([A-Z2-7]+)<\/code>/.exec(started.html)![1];
    expect((await member.post('/account/two-factor/confirm', { code: await generate({ secret }) })).status).toBe(201);
    expect((await member.get('/')).status).toBe(200);
  });
});

describe('sessions', SCRYPT_HEAVY, () => {
  it('lists one\'s own sessions with device, address and "this one", and ending one really signs it out', async () => {
    const laptop = browser();
    const phone = browser('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1');
    await laptop.post('/login', { email: 'm@example.com', password: PASSWORD });
    await phone.post('/login', { email: 'm@example.com', password: PASSWORD });
    const html = (await laptop.get('/account/two-factor')).html;
    expect(html).toMatch(/<td>Firefox on Linux <strong>\(this one\)<\/strong><\/td>/);
    expect(html).toContain(`<td>Safari on iOS</td><td>${phone.address}</td>`);
    const phoneId = /<tr data-session="([^"]+)"><td>Safari on iOS/.exec(html)![1];
    const ended = await laptop.post(`/account/sessions/${phoneId}/end`);
    expect([ended.status, ended.location]).toEqual([303, '/account/two-factor']);
    expect(await phone.signedIn()).toBe(false);
    expect(await laptop.signedIn()).toBe(true);
    expect((await audit('session.end')).map((e) => [e.actor_email, e.object_name])).toEqual([['m@example.com', `Safari on iOS from ${phone.address}`]]);
  });

  it("refuses another user's session (404) and leaves it signed in", async () => {
    const mine = browser();
    const theirs = browser();
    await mine.post('/login', { email: 'm@example.com', password: PASSWORD });
    await theirs.post('/login', { email: 'o@example.com', password: PASSWORD });
    const theirId = /<tr data-session="([^"]+)">/.exec((await theirs.get('/account/two-factor')).html)![1];
    const refused = await mine.post(`/account/sessions/${theirId}/end`);
    expect(refused.status).toBe(404);
    expect(await theirs.signedIn()).toBe(true);
    expect((await mine.get('/account/two-factor')).html).not.toContain(theirId);
  });

  it('signs out everywhere else, keeping this one', async () => {
    const [a, b, c] = [browser(), browser(), browser()];
    for (const x of [a, b, c]) await x.post('/login', { email: 'm@example.com', password: PASSWORD });
    const other = browser();
    await other.post('/login', { email: 'o@example.com', password: PASSWORD });
    expect((await a.post('/account/sessions/end-others')).status).toBe(303);
    expect([await a.signedIn(), await b.signedIn(), await c.signedIn(), await other.signedIn()]).toEqual([true, false, false, true]);
  });
});
