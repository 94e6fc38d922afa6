// An invitation's link: GET shows it, POST accepts it (actions/invitations.ts). Open without a
// session, since the invited may have no account yet; a signed-in user accepts as themselves
// (with their form token). Only the token and a new account's password are read from the
// request: the project, role and email come from the stored invitation.
import { reachedOverHttps } from './over-https.js';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { InvitationPage } from '../../views/pages/invitation.js';
import { type OpenInvitation, acceptInvitation, invitationPath, openInvitation } from '../actions/invitations.js';
import type { Deps } from '../deps.js';
import { Forbidden, InvalidFields } from '../errors.js';
import { safeEqual } from '../secrets.js';
import { createSession, findSession } from '../store/users.js';
import { SESSION_COOKIE } from './auth.js';
import { requestAddress } from './client.js';

export function invitationRoutes(deps: Deps) {
  const app = new Hono();
  const sessionOf = async (c: Context) => {
    const token = getCookie(c, SESSION_COOKIE);
    return token ? findSession(deps.db, token) : undefined;
  };
  const secureFor = (c: Context) => reachedOverHttps(deps, c);
  const page = async (c: Context, open: OpenInvitation, error?: string) => {
    const session = await sessionOf(c);
    const { project, token } = c.req.param() as { project: string; token: string };
    const i = open.invitation;
    c.header('Cache-Control', 'no-store');
    return (
      <InvitationPage project={open.project.name} role={i.role} email={i.email} invitedBy={i.invitedBy} expiresAt={i.expiresAt} hasAccount={open.hasAccount}
        signedIn={session && { email: session.user.email, csrf: session.csrfToken }} action={invitationPath(project, token)} error={error} />
    );
  };

  app.get('/invite/:project/:token', async (c) => c.html(await page(c, await openInvitation(deps, c.req.param('project'), c.req.param('token')))));
  app.post('/invite/:project/:token', async (c) => {
    const { project, token } = c.req.param();
    const form = (await c.req.parseBody()) as Record<string, unknown>;
    const session = await sessionOf(c);
    const origin = { via: 'ui' as const, address: await requestAddress(deps, c, { wait: false }) };
    if (session && !(typeof form._csrf === 'string' && safeEqual(form._csrf, session.csrfToken))) throw new Forbidden('the form has expired; reload the page and try again');
    try {
      const done = await acceptInvitation(deps, project, token, session ? { user: { ...session.user, origin } } : { password: form.password, origin });
      if (!session) {
        const { token: cookie } = await createSession(deps.db, done.user.id);
        setCookie(c, SESSION_COOKIE, cookie, { httpOnly: true, sameSite: 'Lax', secure: await secureFor(c), path: '/', maxAge: 14 * 86400 });
      }
      return c.redirect(`/projects/${done.project.name}`, 303);
    } catch (err) {
      if (!(err instanceof InvalidFields)) throw err;
      return c.html(await page(c, await openInvitation(deps, project, token), err.message), 400);
    }
  });
  return app;
}
