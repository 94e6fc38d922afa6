// Setup (claiming the owner account with the one-time token), login and logout.
import { reachedOverHttps } from './over-https.js';
import { createHmac } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AuthError, type KeptFields, LoginPage, SetupPage } from '../../views/pages/auth.js';
import type { Deps } from '../deps.js';
import { InvalidInput, NotFound, TooManyRequests } from '../errors.js';
import { hashPassword, randomToken, safeEqual, verifyPassword } from '../secrets.js';
import { setAcmeEmail } from '../store/settings.js';
import { createFirstOwner, createSession, deleteSession, findSession, findUserByEmail } from '../store/users.js';
import * as validate from '../validate.js';
import { SESSION_COOKIE, setupOpen } from './auth.js';
import { AttemptLimiter } from '../rate-limit.js';
import { requestAddress } from './client.js';
import { audit, recordLogin } from '../actions/record.js';
import { ssoLoginLabel } from '../actions/sso.js';
import { passwordLoginOn } from '../store/sso-settings.js';
import { ssoRoutes } from './web-sso.js';
import { hasTwoFactor } from '../store/two-factor.js';
import { beginCodeStep, codeStepRoutes } from './web-two-factor.js';

/** Set on a browser that logged in to an account: its attempts at that account are counted on
 *  their own, so an attacker who locks the account does not lock its owner's browser out. */
const DEVICE_COOKIE = 'spur_device';
const FIFTEEN_MINUTES = 15 * 60_000;

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** Only same-site relative paths: a login must not redirect anywhere else. */
const safeNext = (next: string) => (/^\/[A-Za-z0-9/_?=&.-]*$/.test(next) && !next.startsWith('//') ? next : '/');

let decoy: Promise<string> | undefined;
/** A hash of a random password, made once: what unknown emails are checked against. */
const decoyHash = () => (decoy ??= hashPassword(randomToken()));

/** The email fields typed, to give back; secrets are never written back into a page. */
const keptOf = (form: Record<string, unknown>): KeptFields => ({ email: field(form, 'email').slice(0, 320), acmeEmail: field(form, 'acmeEmail').slice(0, 320) });

/** A refusal: to htmx only the error region (what was typed stays in the browser's fields), else
 *  the whole page with the emails kept. */
const refuse = (c: Context, status: 400 | 401 | 403 | 429, opts: { id: 'setup-error' | 'login-error'; error: string; page: () => unknown }) =>
  c.html(String(c.req.header('HX-Request') ? <AuthError id={opts.id} error={opts.error} /> : opts.page()), status);

/** Where a successful post goes: a redirect, or for htmx the header that makes it one. */
const sendOn = (c: Context, to: string) => {
  if (!c.req.header('HX-Request')) return c.redirect(to, 303);
  c.header('HX-Redirect', to);
  return c.body(null, 204);
};

export function authRoutes(deps: Deps) {
  const app = new Hono();
  // Per client address (setup and login), and per account (login): 10 in a sliding window of 15
  // minutes each. Refused attempts are not recorded, so a lock ends 15 minutes after the attempt
  // that set it, however long an attacker keeps trying.
  const limiter = new AttemptLimiter({ max: 10, windowMs: FIFTEEN_MINUTES });
  const accounts = new AttemptLimiter({ max: 10, windowMs: FIFTEEN_MINUTES });
  const secureFor = (c: Context) => reachedOverHttps(deps, c);
  // SPUR_ACME_EMAIL, when set, is the contact; otherwise setup asks.
  const askAcmeEmail = deps.config.acme.email === undefined;
  const clientKey = (c: Context) => requestAddress(deps, c);
  // Bound to the password too: a password change ends every browser's own count.
  const deviceMac = (email: string, passwordHash: string, id: string) => createHmac('sha256', deps.key).update(`spur login device\0${email}\0${passwordHash}\0${id}`).digest('base64url');
  /** What a login attempt at `email` counts against: the browser's own count when it carries the
   *  cookie of an earlier login to this account with its current password, else the account's.
   *  Unknown emails alike. */
  const accountKey = (c: Context, email: string, passwordHash: string) => {
    const [id, mac] = (getCookie(c, DEVICE_COOKIE) ?? '').split('.');
    return id && mac && safeEqual(mac, deviceMac(email, passwordHash, id)) ? `device:${id}` : `account:${email}`;
  };
  const rememberDevice = async (c: Context, email: string, passwordHash: string) => {
    const id = randomToken();
    setCookie(c, DEVICE_COOKIE, `${id}.${deviceMac(email, passwordHash, id)}`, { httpOnly: true, sameSite: 'Lax', secure: await secureFor(c), path: '/login', maxAge: 365 * 86400 });
  };
  const startSession = async (c: Context, userId: number) => {
    const { token } = await createSession(deps.db, userId, { userAgent: c.req.header('User-Agent'), address: await requestAddress(deps, c, { wait: false }) });
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: await secureFor(c), path: '/', maxAge: 14 * 86400 });
  };

  app.get('/setup', async (c) => {
    if (!(await setupOpen(deps))) return c.redirect('/login', 303);
    return c.html(<SetupPage askAcmeEmail={askAcmeEmail} />);
  });
  app.post('/setup', async (c) => {
    if (!(await setupOpen(deps))) throw new NotFound('setup is already done');
    const key = await clientKey(c);
    if (!limiter.attempt(key)) throw new TooManyRequests('too many attempts; wait 15 minutes');
    const form = await c.req.parseBody();
    if (!deps.setup.token || !safeEqual(field(form, 'token'), deps.setup.token)) {
      const error = "That setup token is not right. Find it in Spur's log.";
      return refuse(c, 403, { id: 'setup-error', error, page: () => <SetupPage askAcmeEmail={askAcmeEmail} error={error} kept={keptOf(form)} /> });
    }
    limiter.refund(key);
    try {
      const passwordHash = await hashPassword(validate.password(form.password));
      const email = validate.email(form.email);
      const typedContact = field(form, 'acmeEmail').trim();
      const acmeContact = askAcmeEmail ? (typedContact ? validate.email(typedContact, 'email for certificate notices') : email) : undefined;
      const user = await createFirstOwner(deps.db, { email, passwordHash });
      if (!user) throw new NotFound('setup is already done');
      if (acmeContact) await setAcmeEmail(deps.db, acmeContact);
      deps.setup.claim();
      await audit(deps, { ...user, origin: { via: 'ui', address: key } }, 'setup', { kind: 'user', id: user.id, name: user.email }, { after: { owner: user.email, acmeEmail: acmeContact ?? null } });
      await startSession(c, user.id);
      return sendOn(c, '/');
    } catch (err) {
      if (err instanceof InvalidInput) return refuse(c, 400, { id: 'setup-error', error: err.message, page: () => <SetupPage askAcmeEmail={askAcmeEmail} error={err.message} kept={keptOf(form)} /> });
      throw err;
    }
  });

  // Single sign-on's button and whether the password form is shown (actions/sso.ts).
  const signIn = async () => ({ sso: await ssoLoginLabel(deps), passwordLogin: await passwordLoginOn(deps.db) });
  app.get('/login', async (c) => ((await setupOpen(deps)) ? c.redirect('/setup', 303) : c.html(<LoginPage next={c.req.query('next')} {...await signIn()} />)));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const ways = await signIn();
    const error = (status: 401 | 403 | 429, message: string) => refuse(c, status, { id: 'login-error', error: message, page: () => <LoginPage error={message} next={field(form, 'next')} kept={keptOf(form)} {...ways} /> });
    const tooMany = () => error(429, 'Too many failed logins. Wait 15 minutes and try again.');
    const key = await clientKey(c);
    if (!ways.passwordLogin) {
      await recordLogin(deps, { user: undefined, address: key, ok: false, reason: 'password sign-in is off' });
      return error(403, `Password sign-in is turned off; sign in with ${ways.sso ?? 'single sign-on'}.`);
    }
    if (!limiter.attempt(key)) return tooMany();
    const email = field(form, 'email').trim().toLowerCase().slice(0, 320);
    const user = await findUserByEmail(deps.db, email);
    // Checked and recorded in one synchronous step, as the address above was.
    const account = accountKey(c, email, user?.password_hash ?? '');
    if (!accounts.attempt(account)) {
      limiter.refund(key); // no password was checked
      return tooMany();
    }
    // An unknown email (or one without a password) costs the same scrypt work as a wrong
    // password, so the answer's timing does not tell which emails exist.
    const ok = await verifyPassword(field(form, 'password'), user?.password_hash ?? (await decoyHash()));
    if (!user?.password_hash || !ok) {
      await recordLogin(deps, { user, address: key, ok: false });
      return error(401, 'Wrong email or password.');
    }
    limiter.refund(key);
    accounts.refund(account);
    await rememberDevice(c, email, user.password_hash);
    // Two-factor sign-in: no session yet, only the code step (web-two-factor.tsx), which records the login.
    if (await hasTwoFactor(deps.db, user.id)) return sendOn(c, await beginCodeStep(c, deps, { user, next: safeNext(field(form, 'next') || '/'), secure: await secureFor(c) }));
    await recordLogin(deps, { user, address: key, ok: true });
    await startSession(c, user.id);
    return sendOn(c, safeNext(field(form, 'next') || '/'));
  });

  app.route('/', ssoRoutes(deps, { startSession, secureFor, safeNext }));

  app.post('/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findSession(deps.db, token) : undefined;
    if (token) await deleteSession(deps.db, token);
    if (session) await audit(deps, { ...session.user, origin: { via: 'ui', address: await clientKey(c) } }, 'logout', null);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
  codeStepRoutes(app, deps, { startSession, secureFor, sendOn, safeNext });
  return app;
}
