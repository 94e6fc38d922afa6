// Pages, styles, scripts and JSON are sent gzipped to clients that accept it: a project page of
// 100 cards is 65 KB of HTML and 7 KB sent. Compressed at once with zlib (a few tenths of a
// millisecond for a page) rather than through a compression stream, which took several
// milliseconds per page on a 2-core server; large bodies (log downloads) on zlib's threads, so
// that the event loop keeps serving. The body is read whole, so a response that streams must have
// a type outside the list: event streams (live updates, logs), NDJSON and downloads
// (octet-stream) are sent as they are.
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

const COMPRESSIBLE = /^(text\/(html|css|javascript|plain)|application\/json|image\/svg\+xml)\b/;
/** Below this a response gains too little to be worth compressing. */
export const COMPRESS_FROM_BYTES = 1024;
/** Above this a body is compressed off the event loop. */
const IN_BACKGROUND_FROM_BYTES = 256 * 1024;
const LEVEL = 4;
const gzipInBackground = promisify(gzip);

/** Whether an Accept-Encoding header takes gzip: named with a q above 0, or not named and `*` is. */
export function acceptsGzip(header: string | undefined): boolean {
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => /^q\s*=/.test(p));
    const weight = q === undefined ? 1 : Number(q.slice(q.indexOf('=') + 1));
    if (coding === 'gzip' || coding === 'x-gzip') gzipQ = weight;
    else if (coding === '*') anyQ = weight;
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

// What is left alone is never touched: reading a response's body, or setting a header through
// c.header() once it is made, turns @hono/node-server's string body into a stream and every
// response onto its slow path (a dashboard at 10 connections: 50 ms at p50 instead of 38).
export const compressResponses = (): MiddlewareHandler => async (c, next) => {
  await next();
  if (c.req.method === 'HEAD' || c.res.headers.has('Content-Encoding') || !COMPRESSIBLE.test(c.res.headers.get('Content-Type') ?? '')) return;
  c.res.headers.append('Vary', 'Accept-Encoding');
  // BREACH: a page carries the session's CSRF token beside what its URL reflects, so the size of a
  // compressed answer to a request another site made could tell the token apart. Not compressed.
  if (c.req.header('Sec-Fetch-Site') === 'cross-site' || !acceptsGzip(c.req.header('Accept-Encoding'))) return;
  const res = c.res;
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.byteLength < COMPRESS_FROM_BYTES) {
    c.res = new Response(body, res);
    return;
  }
  const packed = body.byteLength >= IN_BACKGROUND_FROM_BYTES ? await gzipInBackground(body, { level: LEVEL }) : gzipSync(body, { level: LEVEL });
  c.res = new Response(packed, res);
  // After the assignment: hono copies the previous response's headers onto the new one.
  c.res.headers.set('Content-Encoding', 'gzip');
  c.res.headers.delete('Content-Length');
};
