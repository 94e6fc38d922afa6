// Maps the error vocabulary to HTTP once: JSON for the API, an error fragment or page otherwise.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorPage } from '../../views/pages/error.js';
import { PayloadTooLarge, SpurError } from '../errors.js';
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
    const { status, message } = toHttpError(err);
    if (status >= 500) log.error('request failed', { path: c.req.path, error: err.stack ?? String(err) });
    // Machine endpoints (the API and git hosts' webhooks) get JSON.
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')) return c.json({ error: message }, status);
    if (c.req.header('HX-Request')) return c.html(`<div class="error" role="alert">${escapeHtml(message)}</div>`, status, { 'HX-Reswap': 'innerHTML', 'HX-Retarget': '#flash' });
    return c.html(ErrorPage({ status, message }), status);
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
