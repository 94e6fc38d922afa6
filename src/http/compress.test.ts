import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, compressResponses } from './compress.js';

const log = Array.from({ length: 20_000 }, (_, i) => `line ${i}: building layer ${i % 7}`).join('\n');
const page = `<!doctype html><main>${'<li class="card">a card · état</li>'.repeat(200)}</main>`;

function app() {
  const a = new Hono();
  a.use('*', compressResponses());
  a.get('/page', (c) => c.html(page));
  a.get('/small', (c) => c.html('<p>hi</p>'));
  a.get('/api', (c) => c.json({ items: Array.from({ length: 100 }, (_, i) => ({ name: `svc${i}` })) }, 422));
  a.get('/events', () => new Response('data: x\n\n'.repeat(500), { headers: { 'Content-Type': 'text/event-stream' } }));
  a.get('/download', () => new Response('x'.repeat(5000), { headers: { 'Content-Type': 'application/octet-stream' } }));
  a.get('/empty', (c) => c.body(null, 204));
  a.get('/sized', () => new Response(page, { headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(page)) } }));
  a.get('/log.txt', (c) => c.body(log, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': 'attachment; filename="log.txt"' }));
  a.get('/cookies', (c) => {
    c.header('Set-Cookie', 'a=1; Path=/', { append: true });
    c.header('Set-Cookie', 'b=2; Path=/', { append: true });
    return c.html(page);
  });
  return a;
}

describe('compressResponses', () => {
  it('sends a page gzipped to a client that takes gzip, the same page once unpacked', async () => {
    const res = await app().request('/page', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(res.headers.get('Content-Encoding')).toBe('gzip');
    expect(res.headers.get('Vary')).toContain('Accept-Encoding');
    expect(res.headers.get('Content-Type')).toContain('text/html');
    const sent = Buffer.from(await res.arrayBuffer());
    expect(sent.length).toBeLessThan(Buffer.byteLength(page) / 10);
    expect(gunzipSync(sent).toString('utf8')).toBe(page);
  });

  it('keeps the status of what it compresses', async () => {
    const res = await app().request('/api', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('Content-Encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).items).toHaveLength(100);
  });

  it('drops a Content-Length the handler set, and keeps every cookie', async () => {
    const sized = await app().request('/sized', { headers: { 'Accept-Encoding': 'gzip' } });
    expect([sized.headers.get('Content-Encoding'), sized.headers.get('Content-Length')]).toEqual(['gzip', null]);
    expect(gunzipSync(Buffer.from(await sized.arrayBuffer())).toString()).toBe(page);
    const cookies = await app().request('/cookies', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('compresses a large download (on zlib threads, which this test cannot see), the same bytes once unpacked', async () => {
    expect(log.length).toBeGreaterThan(256 * 1024);
    const res = await app().request('/log.txt', { headers: { 'Accept-Encoding': 'gzip' } });
    expect([res.headers.get('Content-Encoding'), res.headers.get('Content-Disposition')]).toEqual(['gzip', 'attachment; filename="log.txt"']);
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(log);
  });

  it('does not compress what another site asked for (BREACH: the page holds the CSRF token)', async () => {
    const res = await app().request('/page', { headers: { 'Accept-Encoding': 'gzip', 'Sec-Fetch-Site': 'cross-site' } });
    expect(res.headers.get('Content-Encoding')).toBeNull();
    expect(await res.text()).toBe(page);
    const own = await app().request('/page', { headers: { 'Accept-Encoding': 'gzip', 'Sec-Fetch-Site': 'same-origin' } });
    expect(own.headers.get('Content-Encoding')).toBe('gzip');
  });

  it('sends the page as it is to a client that does not take gzip, or refuses it', async () => {
    for (const header of [undefined, 'br', 'gzip;q=0', 'identity', '*, gzip;q=0']) {
      const res = await app().request('/page', { headers: header ? { 'Accept-Encoding': header } : {} });
      expect(res.headers.get('Content-Encoding'), header).toBeNull();
      expect(res.headers.get('Vary')).toContain('Accept-Encoding');
      expect(await res.text()).toBe(page);
    }
  });

  it('leaves small responses, event streams, downloads and empty answers alone', async () => {
    const a = app();
    const headers = { 'Accept-Encoding': 'gzip' };
    const small = await a.request('/small', { headers });
    expect([small.headers.get('Content-Encoding'), await small.text()]).toEqual([null, '<p>hi</p>']);
    const events = await a.request('/events', { headers });
    expect(events.headers.get('Content-Encoding')).toBeNull();
    expect((await events.text()).startsWith('data: x')).toBe(true);
    const download = await a.request('/download', { headers });
    expect([download.headers.get('Content-Encoding'), (await download.text()).length]).toEqual([null, 5000]);
    const empty = await a.request('/empty', { headers });
    expect([empty.status, empty.headers.get('Content-Encoding')]).toEqual([204, null]);
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, GZIP;q=0.5', true],
    ['*', true],
    ['x-gzip', true],
    ['*;q=0, gzip', true],
    ['*, gzip;q=0', false],
    ['gzip;q = 0', false],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['deflate, br', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected));
});
