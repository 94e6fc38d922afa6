// Two-factor sign-in and sessions over HTTP: the sign-in's code step (after the password, a
// short-lived signed cookie names who is half signed in — no session exists until the code is
// right), one's own security page (enrol, turn off, sessions), the owner's switch and a user's reset.
import { createHmac } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { CodeError, CodePage, SecurityPage, type SecurityProps } from '../../views/pages/two-factor.js';
import type { LayoutProps } from '../../views/layout.js';
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { Conflict, InvalidFields } from '../errors.js';
import { AttemptLimiter } from '../rate-limit.js';
import { randomToken, safeEqual } from '../secrets.js';
import { findUserById } from '../store/users.js';
import * as twoFactor from '../actions/two-factor.js';
import * as sessions from '../actions/sessions.js';
import { recordLogin } from '../actions/record.js';
import type { AuthEnv } from './auth.js';
import { requestAddress } from './client.js';
import { redirectWithToast } from './forms.js';

const PENDING_COOKIE = 'spur_2fa';
const PENDING_MS = 5 * 60_000;
const FIFTEEN_MINUTES = 15 * 60_000;

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export interface CodeStepHelpers {
  startSession: (c: Context, userId: number) => Promise<void>;
  secureFor: (c: Context) => Promise<boolean>;
  sendOn: (c: Context, to: string) => Response;
  safeNext: (next: string) => string;
}

/** The half-signed-in state: user, expiry and a MAC bound to the user's password hash (a
 *  password change ends it). Not a session: it opens nothing but the code form. */
const pendingMac = (key: Buffer, user: Pick<User, 'id' | 'password_hash'>, expires: number, nonce: string) =>
  createHmac('sha256', key).update(`spur 2fa pending\0${user.id}\0${expires}\0${nonce}\0${user.password_hash ?? ''}`).digest('base64url');

/** After a right password for a user with two-factor sign-in: the pending cookie, and where to go. */
export async function beginCodeStep(c: Context, deps: Pick<Deps, 'key'>, opts: { user: Pick<User, 'id' | 'password_hash'>; next: string; secure: boolean }): Promise<string> {
  const expires = Date.now() + PENDING_MS;
  const nonce = randomToken(12);
  setCookie(c, PENDING_COOKIE, `${opts.user.id}.${expires}.${nonce}.${pendingMac(deps.key, opts.user, expires, nonce)}`, { httpOnly: true, sameSite: 'Lax', secure: opts.secure, path: '/login', maxAge: PENDING_MS / 1000 });
  return `/login/code?next=${encodeURIComponent(opts.next)}`;
}

async function pendingUser(c: Context, deps: Pick<Deps, 'db' | 'key'>): Promise<User | undefined> {
  const [id, expires, nonce, mac] = (getCookie(c, PENDING_COOKIE) ?? '').split('.');
  if (!id || !expires || !nonce || !mac || Number(expires) < Date.now()) return undefined;
  const user = await findUserById(deps.db, Number(id));
  return user && safeEqual(mac, pendingMac(deps.key, user, Number(expires), nonce)) ? user : undefined;
}

/** GET/POST /login/code, on the auth routes. Codes are limited as passwords are: 10 in 15
 *  minutes per client address and per account; a right code does not count. */
export function codeStepRoutes(app: Hono, deps: Deps, helpers: CodeStepHelpers) {
  const byAddress = new AttemptLimiter({ max: 10, windowMs: FIFTEEN_MINUTES });
  const byAccount = new AttemptLimiter({ max: 10, windowMs: FIFTEEN_MINUTES });
  app.get('/login/code', async (c) => ((await pendingUser(c, deps)) ? c.html(<CodePage next={c.req.query('next')} />) : c.redirect('/login', 303)));
  app.post('/login/code', async (c) => {
    const form = await c.req.parseBody();
    const next = helpers.safeNext(typeof form.next === 'string' && form.next ? form.next : '/');
    const refuse = (status: 401 | 429, error: string) => c.html(String(c.req.header('HX-Request') ? <CodeError error={error} /> : <CodePage error={error} next={next} />), status);
    const user = await pendingUser(c, deps);
    if (!user) return refuse(401, 'Your sign-in has expired. Start again with your password.');
    const address = await requestAddress(deps, c);
    const tooMany = () => refuse(429, 'Too many wrong codes. Wait 15 minutes and try again.');
    if (!byAddress.attempt(address)) return tooMany();
    if (!byAccount.attempt(`user:${user.id}`)) {
      byAddress.refund(address);
      return tooMany();
    }
    const factor = await twoFactor.checkSignInCode(deps, { ...user, origin: { via: 'ui', address } }, form.code);
    if (!factor) return refuse(401, 'That code is not right, or was used already.');
    byAddress.refund(address);
    byAccount.refund(`user:${user.id}`);
    deleteCookie(c, PENDING_COOKIE, { path: '/login' });
    await recordLogin(deps, { user, address, ok: true });
    await helpers.startSession(c, user.id);
    return helpers.sendOn(c, next);
  });
}

/** One's own security page, the owner's switch and reset; behind a session (web.tsx). */
export function twoFactorPages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const user = (c: Context<AuthEnv>) => c.get('user');
  const page = async (c: Context<AuthEnv>, extra: Partial<SecurityProps> = {}) => {
    const status = await twoFactor.twoFactorStatus(deps, user(c));
    c.header('Cache-Control', 'no-store');
    return (
      <SecurityPage
        frame={frame(c)}
        status={status}
        sessions={await sessions.listOwnSessions(deps, user(c), c.get('sessionId') ?? null)}
        enrolment={status.enabled ? undefined : await twoFactor.pendingEnrolment(deps, user(c))}
        required={await twoFactor.isTwoFactorRequired(deps)}
        {...extra}
      />
    );
  };
  const refusal = (err: unknown) => {
    if (err instanceof InvalidFields) return Object.values(err.fields).join(' ');
    if (err instanceof Conflict) return err.message;
    throw err;
  };
  web.get('/account/two-factor', async (c) => c.html(await page(c)));
  web.post('/account/two-factor/start', async (c) => {
    try {
      const enrolment = await twoFactor.startEnrolment(deps, user(c));
      return c.html(await page(c, { enrolment }));
    } catch (err) {
      return c.html(await page(c, { errors: { enrol: refusal(err) } }), 409);
    }
  });
  web.post('/account/two-factor/confirm', async (c) => {
    const body = await c.req.parseBody();
    try {
      const recoveryCodes = await twoFactor.confirmEnrolment(deps, user(c), body.code);
      return c.html(await page(c, { recoveryCodes }), 201);
    } catch (err) {
      return c.html(await page(c, { errors: { enrol: refusal(err) } }), err instanceof Conflict ? 409 : 400);
    }
  });
  // It checks a password or a code: limited as sign-in is, per account.
  const disabling = new AttemptLimiter({ max: 10, windowMs: FIFTEEN_MINUTES });
  web.post('/account/two-factor/disable', async (c) => {
    const body = (await c.req.parseBody()) as Record<string, unknown>;
    const key = `user:${user(c).id}`;
    if (!disabling.attempt(key)) return c.html(await page(c, { errors: { disable: 'Too many wrong codes or passwords. Wait 15 minutes and try again.' } }), 429);
    try {
      await twoFactor.disableTwoFactor(deps, user(c), body);
      disabling.refund(key);
      return redirectWithToast(c, '/account/two-factor', 'Two-factor sign-in is off');
    } catch (err) {
      return c.html(await page(c, { errors: { disable: refusal(err) } }), err instanceof Conflict ? 409 : 400);
    }
  });

  // Sessions: one's own only (another's id is 404, as a missing one).
  web.post('/account/sessions/end-others', async (c) => {
    const current = c.get('sessionId');
    const ended = current ? await sessions.endOtherOwnSessions(deps, user(c), current) : 0;
    return redirectWithToast(c, '/account/two-factor', `Signed out everywhere else (${ended} session${ended === 1 ? '' : 's'} ended)`);
  });
  web.post('/account/sessions/:id/end', async (c) => {
    const id = c.req.param('id');
    await sessions.endOwnSession(deps, user(c), id);
    return id === c.get('sessionId') ? c.redirect('/login', 303) : redirectWithToast(c, '/account/two-factor', 'Session ended: that browser is signed out');
  });

  // The owner's: the switch (Settings) and a user's reset (Users).
  web.post('/settings/two-factor', async (c) => {
    const body = await c.req.parseBody();
    const on = body.required === 'on';
    await twoFactor.setTwoFactorRequirement(deps, user(c), on);
    return redirectWithToast(c, '/settings', on ? 'Two-factor sign-in is now required of everyone' : 'Two-factor sign-in is now each user’s choice');
  });
  web.post('/users/:email/two-factor/reset', async (c) => {
    const email = await twoFactor.resetTwoFactor(deps, user(c), c.req.param('email'));
    return redirectWithToast(c, '/users', `Two-factor sign-in of ${email} is reset: they sign in with their password and can set it up again`);
  });
}
