// Whether the browser reached Spur over HTTPS, so that the cookies set for it are Secure: Spur's
// public URL says so, or the request came for Spur's own domain (Traefik serves that one over
// HTTPS; its plain HTTP only redirects once the certificate is in). Other names (the server's
// address on port 3000) keep working over HTTP.
import type { Context } from 'hono';
import type { Deps } from '../deps.js';
import { spurDomain } from '../store/settings.js';

export async function reachedOverHttps(deps: Pick<Deps, 'config' | 'db'>, c: Context): Promise<boolean> {
  if (deps.config.publicUrl.startsWith('https://')) return true;
  const own = await spurDomain(deps.db);
  return own !== undefined && (c.req.header('host') ?? '').replace(/:\d+$/, '').toLowerCase() === own.hostname;
}
