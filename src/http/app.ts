// createApp(deps): the whole HTTP surface — static assets, setup/login, pages, JSON API.
import { extname, normalize } from 'node:path';
import { Hono } from 'hono';
import { createNodeWebSocket } from '@hono/node-ws';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { spurDomain } from '../store/settings.js';
import { reachedOverHttps } from './over-https.js';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from '../deps.js';
import { NotFound, PayloadTooLarge } from '../errors.js';
import { readAsset } from '../executable.js';
import { VERSION } from '../version.js';
import { apiRoutes } from './api/index.js';
import { mcpRoutes } from './mcp.js';
import { prometheusMetrics } from '../actions/prometheus.js';
import { compressResponses } from './compress.js';
import { errorHandler } from './errors.js';
import { webRoutes } from './web.js';
import { webhookRoutes } from './webhooks.js';
import { authRoutes } from './web-auth.js';
import { invitationRoutes } from './web-invitations.js';
import { type AuthEnv, requireToken } from './auth.js';

export const MAX_BODY_BYTES = 1024 * 1024;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

export function createApp(deps: Deps) {
  const app = new Hono();
  // WebSockets (the console): the server hands upgrades to the app once it listens (injectWebSocket).
  const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app });
  app.onError(errorHandler(deps.log));
  app.notFound((c) => {
    throw new NotFound(`no such page: ${c.req.path}`);
  });
  app.use('*', secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } }));
  app.use('*', compressResponses());
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new PayloadTooLarge(`request body is larger than ${MAX_BODY_BYTES} bytes`); } }));

  app.get('/public/*', async (c) => {
    const rel = normalize(c.req.path.slice('/public/'.length));
    if (rel.startsWith('..') || rel.includes('\0')) throw new NotFound('no such file');
    const body = readAsset(`public/${rel}`);
    if (!body) throw new NotFound('no such file');
    return c.body(new Uint8Array(body), 200, { 'Content-Type': TYPES[extname(rel)] ?? 'application/octet-stream', 'Cache-Control': 'public, max-age=3600' });
  });
  // The API versions are said so a monitor sees "Docker was upgraded past what Spur speaks"
  // without logging in; the daemon's engine version and other problems are not.
  app.get('/healthz', (c) => c.json({ ok: true, docker: deps.daemon.ready, ...(deps.daemon.state.api ? { dockerApi: deps.daemon.state.api } : {}), version: VERSION }));

  app.route('/api/v1', apiRoutes(deps).app);
  app.route('/mcp', mcpRoutes(deps, (path, init, env) => app.request(path, init, env)));
  // Prometheus scrapes with an owner's API token (a read scope is enough).
  const scrape = new Hono<AuthEnv>();
  scrape.get('/metrics', requireToken(deps), async (c) => c.body(await prometheusMetrics(deps, c.get('user')), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }));
  app.route('/', scrape);
  // Git hosts sign their requests; no session, no CSRF token.
  app.route('/webhooks', webhookRoutes(deps));
  // Browser routes: form posts must come from Spur's own pages.
  // Behind Traefik, Spur's own domain is https:// to the browser and plain HTTP to Spur.
  const ownOrigin = async () => {
    const own = await spurDomain(deps.db);
    return own && `https://${own.hostname}`;
  };
  const isOwnOrigin = async (origin: string, url: string) => origin === new URL(url).origin || origin === (await ownOrigin());
  app.use('*', csrf({ origin: (origin, c) => isOwnOrigin(origin, c.req.url) }));
  app.use('*', async (c, next) => {
    if (c.req.method === 'POST') c.set('secureCookies', await reachedOverHttps(deps, c));
    await next();
  });
  app.route('/', authRoutes(deps));
  app.route('/', invitationRoutes(deps));
  app.route('/', webRoutes(deps, { upgradeWebSocket, isOwnOrigin }));
  return Object.assign(app, { injectWebSocket });
}
