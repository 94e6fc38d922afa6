// Which TCP peers are Spur's own proxy (Traefik reaching Spur's own domain), so that their
// X-Forwarded-For is believed. The list comes from Docker (the addresses Traefik's containers
// have on the bridge they reach the host by) and is looked up again when a peer is not on it,
// at most once per interval: Traefik has a new address whenever its task is replaced.
import type { Log } from '../log.js';
import { normalizeAddress } from './client-address.js';

export class TrustedProxies {
  private known = new Set<string>();
  private lookedAt = Number.NEGATIVE_INFINITY;
  private looking: Promise<void> | undefined;

  constructor(private readonly opts: { discover: () => Promise<string[]>; log: Log; intervalMs?: number; now?: () => number }) {}

  /** Whether `address` is one of Spur's proxies, as last looked up. */
  has(address: string): boolean {
    return this.known.has(normalizeAddress(address));
  }

  /** Looks the proxies up again if `peer` is not one of them and the last look is old enough.
   *  A failed look trusts no one until the next: a peer is never believed on a stale guess. */
  async refreshFor(peer: string | undefined): Promise<void> {
    if (!peer || this.has(peer)) return;
    const now = (this.opts.now ?? Date.now)();
    if (now - this.lookedAt >= (this.opts.intervalMs ?? 10_000)) {
      this.lookedAt = now;
      this.looking = this.opts.discover().then(
        (addresses) => void (this.known = new Set(addresses.map(normalizeAddress))),
        (err: Error) => {
          this.known = new Set();
          this.opts.log.warn('could not look up the proxy addresses; X-Forwarded-For is not believed until the next look', { error: String(err) });
        },
      );
    }
    await this.looking;
  }
}
