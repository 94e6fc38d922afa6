// The toast a page shows once after a redirect: a short-lived cookie read by the next page.
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';

export const TOAST_COOKIE = 'spur_toast';

export const setToast = (c: Context, toast: string) => setCookie(c, TOAST_COOKIE, toast, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60 });
