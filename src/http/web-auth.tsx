// Setup (claiming the owner account with the one-time token), login and logout.
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { LoginPage, SetupPage } from '../../views/pages/auth.js';
import type { Deps } from '../deps.js';
import { InvalidInput, NotFound, TooManyRequests } from '../errors.js';
import { hashPassword, randomToken, safeEqual, verifyPassword } from '../secrets.js';
import { setAcmeEmail, spurDomain } from '../store/instance-settings.js';
import { createFirstOwner, createSession, deleteSession, findUserByEmail } from '../store/users.js';
import * as validate from '../validate.js';
import { SESSION_COOKIE, setupOpen } from './auth.js';
import { AttemptLimiter } from '../rate-limit.js';

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** Only same-site relative paths: a login must not redirect anywhere else. */
const safeNext = (next: string) => (/^\/[A-Za-z0-9/_?=&.-]*$/.test(next) && !next.startsWith('//') ? next : '/');

let decoy: Promise<string> | undefined;
/** A hash of a random password, made once: what unknown emails are checked against. */
const decoyHash = () => (decoy ??= hashPassword(randomToken()));

export function authRoutes(deps: Deps) {
  const app = new Hono();
  const limiter = new AttemptLimiter({ max: 10, windowMs: 15 * 60_000 });
  // Secure when Spur is reached over HTTPS: its public URL says so, or the request came for its
  // own domain (Traefik serves that one over HTTPS; its plain HTTP only redirects once the
  // certificate is in). Other names (the server's address on port 3000) keep working over HTTP.
  const secureFor = async (c: Context) => {
    if (deps.config.publicUrl.startsWith('https://')) return true;
    const own = await spurDomain(deps.db);
    return own !== undefined && (c.req.header('host') ?? '').replace(/:\d+$/, '').toLowerCase() === own.hostname;
  };
  // SPUR_ACME_EMAIL, when set, is the contact; otherwise setup asks.
  const askAcmeEmail = deps.config.acme.email === undefined;
  const clientKey = (c: Parameters<typeof getConnInfo>[0]) => {
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };
  const startSession = async (c: Context, userId: number) => {
    const { token } = await createSession(deps.db, userId);
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: await secureFor(c), path: '/', maxAge: 14 * 86400 });
  };

  app.get('/setup', async (c) => {
    if (!(await setupOpen(deps))) return c.redirect('/login', 303);
    return c.html(<SetupPage askAcmeEmail={askAcmeEmail} />);
  });
  app.post('/setup', async (c) => {
    if (!(await setupOpen(deps))) throw new NotFound('setup is already done');
    const key = clientKey(c);
    if (!limiter.attempt(key)) throw new TooManyRequests('too many attempts; wait 15 minutes');
    const form = await c.req.parseBody();
    if (!deps.setup.token || !safeEqual(field(form, 'token'), deps.setup.token)) {
      return c.html(<SetupPage askAcmeEmail={askAcmeEmail} error="That setup token is not right. Find it in Spur's log." />, 403);
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
      await startSession(c, user.id);
      return c.redirect('/', 303);
    } catch (err) {
      if (err instanceof InvalidInput) return c.html(<SetupPage askAcmeEmail={askAcmeEmail} error={err.message} />, 400);
      throw err;
    }
  });

  app.get('/login', async (c) => ((await setupOpen(deps)) ? c.redirect('/setup', 303) : c.html(<LoginPage next={c.req.query('next')} />)));
  app.post('/login', async (c) => {
    const key = clientKey(c);
    if (!limiter.attempt(key)) return c.html(<LoginPage error="Too many failed logins. Wait 15 minutes and try again." />, 429);
    const form = await c.req.parseBody();
    const user = await findUserByEmail(deps.db, field(form, 'email').trim().toLowerCase());
    // An unknown email (or one without a password) costs the same scrypt work as a wrong
    // password, so the answer's timing does not tell which emails exist.
    const ok = await verifyPassword(field(form, 'password'), user?.password_hash ?? (await decoyHash()));
    if (!user?.password_hash || !ok) {
      return c.html(<LoginPage error="Wrong email or password." next={field(form, 'next')} />, 401);
    }
    limiter.refund(key);
    await startSession(c, user.id);
    return c.redirect(safeNext(field(form, 'next') || '/'), 303);
  });

  app.post('/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deleteSession(deps.db, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
  return app;
}
