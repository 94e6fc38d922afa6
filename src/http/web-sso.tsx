// Single sign-on's two legs in the browser: GET /login/sso sends the browser to the provider with a
// sealed cookie of what the callback must check; GET /login/sso/callback checks the answer
// (actions/sso.ts) and starts a session, or shows the login page with the reason.
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { LoginPage } from '../../views/pages/auth.js';
import { SsoRefused, finishSsoSignIn, ssoCallbackUrl, ssoLoginLabel, startSsoSignIn, SSO_PENDING_MS } from '../actions/sso.js';
import type { Deps } from '../deps.js';
import { passwordLoginOn } from '../store/sso-settings.js';
import { requestAddress } from './client.js';
import { AttemptLimiter } from '../rate-limit.js';

const PENDING_COOKIE = 'spur_sso';
const COOKIE_PATH = '/login/sso';

export interface SsoRouteHelpers {
  startSession: (c: Context, userId: number) => Promise<void>;
  secureFor: (c: Context) => Promise<boolean>;
  safeNext: (next: string) => string;
}

export function ssoRoutes(deps: Deps, helpers: SsoRouteHelpers) {
  const app = new Hono();
  // States already answered, until their sign-in would have expired anyway: a replayed answer
  // (the same callback URL with the same cookie) is refused before its code is tried again.
  const used = new Map<string, number>();
  const once = (state: string, expires: number) => {
    const now = Date.now();
    for (const [s, until] of used) if (until < now) used.delete(s);
    if (used.has(state)) return false;
    used.set(state, expires);
    return true;
  };
  // Answers per client address, as password logins are (10 in 15 minutes, a sign-in refunded):
  // each refusal is written to the audit log, which a stranger must not be able to flood.
  const limiter = new AttemptLimiter({ max: 10, windowMs: 15 * 60_000 });
  // Each start asks the provider for its discovery document: not without bound for a stranger.
  const starts = new AttemptLimiter({ max: 30, windowMs: 15 * 60_000 });
  const refused = async (c: Context, message: string, status: 403 | 429 = 403) =>
    c.html(<LoginPage error={message} sso={await ssoLoginLabel(deps)} passwordLogin={await passwordLoginOn(deps.db)} />, status);

  app.get('/login/sso', async (c) => {
    // The cookie must be set on the origin the provider sends the browser back to.
    const callback = new URL(await ssoCallbackUrl(deps));
    const next = helpers.safeNext(c.req.query('next') ?? '/');
    if (new URL(c.req.url).host !== callback.host) return c.redirect(`${callback.origin}/login/sso?next=${encodeURIComponent(next)}`, 303);
    if (!starts.attempt(await requestAddress(deps, c))) return refused(c, 'Too many sign-ins started. Wait 15 minutes and try again.', 429);
    try {
      const { url, pending } = await startSsoSignIn(deps, { next, now: Date.now() });
      setCookie(c, PENDING_COOKIE, pending, { httpOnly: true, sameSite: 'Lax', secure: await helpers.secureFor(c), path: COOKIE_PATH, maxAge: SSO_PENDING_MS / 1000 });
      return c.redirect(url, 303);
    } catch (err) {
      if (err instanceof SsoRefused) return refused(c, err.message);
      throw err;
    }
  });

  app.get('/login/sso/callback', async (c) => {
    const pending = getCookie(c, PENDING_COOKIE);
    deleteCookie(c, PENDING_COOKIE, { path: COOKIE_PATH });
    const address = await requestAddress(deps, c);
    if (!limiter.attempt(address)) return refused(c, 'Too many failed sign-ins. Wait 15 minutes and try again.', 429);
    try {
      const { user, next } = await finishSsoSignIn(deps, { callbackUrl: new URL(c.req.url), pending, once, address, now: Date.now() });
      limiter.refund(address);
      await helpers.startSession(c, user.id);
      return c.redirect(helpers.safeNext(next), 303);
    } catch (err) {
      if (err instanceof SsoRefused) return refused(c, err.message);
      throw err;
    }
  });
  return app;
}
