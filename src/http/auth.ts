// Who is asking: browser sessions (cookie + CSRF token) for pages, bearer tokens for the API.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { User } from '../db/schema.js';
import type { Origin } from '../actions/record.js';
import type { Deps } from '../deps.js';
import { Forbidden, Unauthorized } from '../errors.js';
import { safeEqual } from '../secrets.js';
import { requestAddress } from './client.js';
import { countUsers, findApiToken, findSession, touchApiToken, touchUser } from '../store/users.js';
import { touchSession } from '../store/sessions.js';
import { twoFactorRequired } from '../store/settings.js';
import { hasTwoFactor } from '../store/two-factor.js';

/** Where a user the owner requires two-factor sign-in of, and who has none yet, may still go. */
export const ENROL_PATH = '/account/two-factor';
/** How often a session's "last seen" is written (not on every request). */
const SEEN_EVERY_MS = 60_000;

export const SESSION_COOKIE = 'spur_session';

/** The signed-in user, with the door they came through (the audit log records it). */
export type AuthEnv = { Variables: { user: User & { origin: Origin }; csrfToken: string; sessionId?: string | null } };

/** True while the server can still be claimed with the setup token. The database decides: an
 *  owner made by another process (`spur token create` on the server) closes setup on the very
 *  next request, and the token is forgotten and its file removed. */
export async function setupOpen(deps: Pick<Deps, 'db' | 'setup'>): Promise<boolean> {
  if (!deps.setup.token) return false;
  if ((await countUsers(deps.db)) === 0) return true;
  deps.setup.claim();
  return false;
}

/** Pages: a valid session, else a redirect to the login (or setup) page. Writes need the CSRF token. */
export function requireSession(deps: Deps): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findSession(deps.db, token) : undefined;
    if (!session) {
      if (c.req.method !== 'GET') throw new Unauthorized('log in first');
      return c.redirect((await setupOpen(deps)) ? '/setup' : `/login?next=${encodeURIComponent(c.req.path)}`, 303);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await checkCsrf(c, session.csrfToken);
    c.set('user', { ...session.user, origin: { via: 'ui', address: await requestAddress(deps, c, { wait: false }) } });
    c.set('csrfToken', session.csrfToken);
    await touchUser(deps.db, session.user.id);
    c.set('sessionId', session.sessionId);
    if (session.sessionId && (!session.lastSeenAt || Date.now() - Date.parse(session.lastSeenAt) > SEEN_EVERY_MS)) await touchSession(deps.db, session.sessionId);
    // The owner requires two-factor sign-in: without it, nothing but setting it up.
    if (!c.req.path.startsWith(ENROL_PATH) && (await twoFactorRequired(deps.db)) && !(await hasTwoFactor(deps.db, session.user.id))) {
      if (c.req.method === 'GET') return c.redirect(ENROL_PATH, 303);
      throw new Forbidden(`two-factor sign-in is required: set it up at ${ENROL_PATH} first`);
    }
    await next();
  };
}

async function checkCsrf(c: Context, expected: string): Promise<void> {
  let sent = c.req.header('X-CSRF-Token');
  if (!sent) {
    const type = c.req.header('Content-Type') ?? '';
    if (type.includes('form')) {
      const form = await c.req.parseBody();
      sent = typeof form._csrf === 'string' ? form._csrf : undefined;
    }
  }
  if (!sent || !safeEqual(sent, expected)) throw new Forbidden('the form has expired; reload the page and try again');
}

/** API: `Authorization: Bearer <token>` of a user; anything else is 401, and so is an expired
 *  token (saying so). The user is read afresh on every request (a removed user's tokens are gone
 *  with them; a role taken away is taken from their tokens at once), and the token's scope and
 *  project go with them to the door (actions/access.ts). */
export function requireToken(deps: Deps): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
    const found = match ? await findApiToken(deps.db, match[1]) : undefined;
    if (!found) throw new Unauthorized(match ? 'invalid API token' : 'missing API token (Authorization: Bearer …)');
    const now = new Date();
    const { user, token } = found;
    if (token.expiresAt !== null && token.expiresAt <= now.toISOString()) throw new Unauthorized(`this API token expired at ${token.expiresAt}; create a new one`);
    await touchApiToken(deps.db, token.id, now);
    // The CLI and the MCP server say what they are; it changes nothing but how the audit log names the door.
    const agent = c.req.header('User-Agent') ?? '';
    const via = /^spur-cli\//.test(agent) ? 'cli' : /^spur-mcp\//.test(agent) ? 'mcp' : 'api';
    const grant = { id: token.id, scope: token.scope, project: token.project, expiresAt: token.expiresAt };
    c.set('user', { ...user, origin: { via, address: await requestAddress(deps, c, { wait: false }), token: true, grant } });
    await touchUser(deps.db, user.id);
    await next();
  };
}

/** For a long-lived API answer (a stream): checks again that the token the request came with
 *  (requireToken let it in) still holds, and throws Unauthorized once it was revoked or expired
 *  (the user's role and memberships are the actions' to check). */
export function tokenCheck(deps: Deps, c: Context): () => Promise<void> {
  const bearer = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')?.[1] ?? '';
  return async () => {
    const found = await findApiToken(deps.db, bearer);
    if (!found) throw new Unauthorized('this API token no longer works: it was revoked, or its user removed');
    if (found.token.expiresAt !== null && found.token.expiresAt <= new Date().toISOString()) throw new Unauthorized(`this API token expired at ${found.token.expiresAt}`);
  };
}
