// Where a request comes from: the client's address (for per-address limits and the audit log).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Deps } from '../deps.js';
import { clientAddress } from '../routing/client-address.js';

/** The client's address: the TCP peer, or what Spur's own proxy says it was reached from.
 *  `wait: false` does not hold the request while the proxies are looked up again (the audit
 *  log's address for every request; a limit waits, as it must not count the proxy). */
export async function requestAddress(deps: Pick<Deps, 'proxies'>, c: Context, options: { wait?: boolean } = {}): Promise<string> {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined; // in-process requests have no socket
  }
  const looked = deps.proxies.refreshFor(peer);
  if (options.wait !== false) await looked;
  return clientAddress({ peer, forwardedFor: c.req.header('x-forwarded-for'), trusted: (a) => deps.proxies.has(a) });
}
