// Which address a request comes from, for per-address limits: pure. Behind Spur's own proxy
// (Traefik, when Spur serves its own domain) every TCP peer is the proxy, and the client is named
// in X-Forwarded-For. That header is believed only when the peer is a trusted proxy, and read
// from the right: each proxy appends the address it was reached from, so the right-most entry
// that is not a trusted proxy is the client; anything to its left the client wrote itself.
import { isIP } from 'node:net';

/** One spelling per address: an IPv4 address accepted on an IPv6 socket loses its `::ffff:`. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  return mapped ? mapped[1] : trimmed;
}

/** The client's address: the peer itself unless it is a trusted proxy; then the right-most
 *  X-Forwarded-For entry that is not one. A malformed entry ends the walk at the hop that
 *  vouched for it (no proxy of ours writes one; a client's forgery never names a new address). */
export function clientAddress(opts: { peer: string | undefined; forwardedFor: string | undefined; trusted: (address: string) => boolean }): string {
  if (!opts.peer) return 'unknown';
  let client = normalizeAddress(opts.peer);
  if (!opts.trusted(client) || !opts.forwardedFor) return client;
  const hops = opts.forwardedFor.split(',').map(normalizeAddress);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (isIP(hops[i]) === 0) return client;
    client = hops[i];
    if (!opts.trusted(client)) return client;
  }
  return client;
}
