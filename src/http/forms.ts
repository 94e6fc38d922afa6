// Answers a form post: on success a toast and a redirect (303, or HX-Redirect for htmx); on
// refused input the same form again, each error beside its field and what was typed kept — alone
// as the fragment htmx swaps in, or inside its whole page without JavaScript (with the error's
// status: 400, or 409 for a name taken).
import type { Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { TOAST_COOKIE, setToast } from './toast.js';
import { Conflict, InvalidCompose, InvalidFields, InvalidInput } from '../errors.js';
import { toHttpError } from './errors.js';
import type { FormState } from '../../views/components/form.js';

type Html = string | Promise<string> | { toString(): string };

export interface FormAnswer<T> {
  run: (body: Record<string, unknown>) => Promise<T>;
  /** Where to go and what to say once it worked. */
  done: (result: T) => { to: string; toast: string };
  /** The form alone, for htmx. */
  fragment: (state: FormState) => Html;
  /** The form's whole page, for a browser without JavaScript. */
  page: (state: FormState) => Promise<Html>;
}

export async function answerForm<T>(c: Context, answer: FormAnswer<T>): Promise<Response> {
  const body = (await c.req.parseBody()) as Record<string, unknown>;
  try {
    const { to, toast } = answer.done(await answer.run(body));
    setToast(c, toast);
    if (c.req.header('HX-Request')) {
      c.header('HX-Redirect', to);
      return c.body(null, 204);
    }
    return c.redirect(to, 303);
  } catch (err) {
    const errors = formErrors(err);
    if (!errors) throw err;
    const state: FormState = { values: typedValues(body), errors };
    const html = c.req.header('HX-Request') ? answer.fragment(state) : await answer.page(state);
    return c.html(String(await html), toHttpError(err).status);
  }
}

/** After an action posted by a plain form (no fields to refuse): to `to`, saying what happened. */
export function redirectWithToast(c: Context, to: string, toast: string): Response {
  setToast(c, toast);
  return c.redirect(to, 303);
}

/** The toast left by the last successful form post, read once. */
export function takeToast(c: Context): string | undefined {
  const toast = getCookie(c, TOAST_COOKIE);
  if (toast) deleteCookie(c, TOAST_COOKIE, { path: '/' });
  return toast || undefined;
}

/** Refusals by field (InvalidFields, see validate.fields); any other refused input or conflict
 *  belongs to the whole form. */
export function formErrors(err: unknown): Record<string, string> | null {
  if (err instanceof InvalidFields) return err.fields;
  if (err instanceof InvalidCompose) return { file: err.message.replace(/^the Compose file is refused: /, 'refused: ') };
  if (err instanceof InvalidInput || err instanceof Conflict) return { '': err.message };
  return null;
}

/** What was typed, to fill the form again; never the CSRF token or a file. */
export function typedValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
}
