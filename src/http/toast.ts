// The toast a page shows once after a redirect: a short-lived cookie read by the next page.
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';

export const TOAST_COOKIE = 'spur_toast';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set for form posts (app.ts): the browser came over HTTPS, so a toast (which may carry a
     *  secret shown once, such as a webhook's) is a Secure cookie. */
    secureCookies?: boolean;
  }
}

export const setToast = (c: Context, toast: string) => setCookie(c, TOAST_COOKIE, toast, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60, secure: c.get('secureCookies') === true });
