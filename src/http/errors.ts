// Maps the error vocabulary to HTTP once: JSON for the API, an error fragment or page otherwise.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorPage } from '../../views/pages/error.js';
import { InvalidCompose, PayloadTooLarge, Requested, SpurError } from '../errors.js';
import { setToast } from './toast.js';
import type { Log } from '../log.js';

export function toHttpError(err: unknown): { status: ContentfulStatusCode; message: string } {
  if (err instanceof SpurError) return { status: err.status as ContentfulStatusCode, message: err.message };
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 413) return { status, message: new PayloadTooLarge('request body is too large').message };
    return { status, message: err.message || 'request refused' };
  }
  return { status: 500, message: 'internal error' };
}

export function errorHandler(log: Log) {
  return (err: Error, c: Context) => {
    // A change held back in a protected environment: accepted, as a request that waits for an admin.
    if (err instanceof Requested) return answerRequested(c, err);
    const { status, message } = toHttpError(err);
    if (status >= 500) log.error('request failed', { path: c.req.path, error: err.stack ?? String(err) });
    // Machine endpoints (the API and git hosts' webhooks) get JSON.
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/') || c.req.path === '/mcp') return c.json({ error: message, ...(err instanceof InvalidCompose ? { problems: err.problems } : {}) }, status);
    if (c.req.header('HX-Request')) return c.html(`<div class="error" role="alert">${escapeHtml(message)}</div>`, status, { 'HX-Reswap': 'innerHTML', 'HX-Retarget': '#flash' });
    return c.html(ErrorPage({ status, message }), status);
  };
}

function answerRequested(c: Context, err: Requested): Response {
  if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')) return c.json({ request: err.request, message: err.message }, 202);
  // The browser goes to the project page, where the request is listed, and says so.
  const to = `/projects/${encodeURIComponent(c.req.param('project') ?? '')}#requests`;
  setToast(c, err.message);
  if (c.req.header('HX-Request')) {
    c.header('HX-Redirect', to);
    return c.body(null, 204);
  }
  return c.redirect(to, 303);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
