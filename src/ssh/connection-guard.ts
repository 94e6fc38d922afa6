// In front of the SSH server: caps connections (in all and per address), gives each connection a
// deadline to authenticate, and refuses an address whose connections keep failing to.
import { type Server as NetServer, type Socket, createServer } from 'node:net';
import { AttemptLimiter } from '../rate-limit.js';

export interface GuardLimits {
  maxConnections: number;
  maxPerAddress: number;
  /** Seconds from connect to authenticated; then the connection is closed. */
  authTimeoutS: number;
  /** Unauthenticated connections allowed per address in `failureWindowS`. */
  maxFailures: number;
  failureWindowS: number;
}

export const GUARD_LIMITS: GuardLimits = { maxConnections: 100, maxPerAddress: 10, authTimeoutS: 30, maxFailures: 20, failureWindowS: 15 * 60 };

export interface GuardedConnection {
  /** The connection authenticated: no deadline, and it does not count as a failure. */
  authenticated(): void;
}

/** A TCP server that admits sockets within the limits and hands each to `admit`. */
export function guardedServer(limits: GuardLimits, admit: (socket: Socket) => void): { server: NetServer; connectionOf: (ip?: string, port?: number) => GuardedConnection } {
  const failures = new AttemptLimiter({ max: limits.maxFailures, windowMs: limits.failureWindowS * 1000 });
  const perAddress = new Map<string, number>();
  const open = new Map<string, GuardedConnection>();
  let total = 0;
  const server = createServer((socket) => {
    const ip = socket.remoteAddress ?? '?';
    const key = `${ip}:${socket.remotePort}`;
    // Counted on arrival, before the handshake: a flood of parallel connections is refused too.
    if (total >= limits.maxConnections || (perAddress.get(ip) ?? 0) >= limits.maxPerAddress || !failures.attempt(ip)) {
      socket.destroy();
      return;
    }
    total++;
    perAddress.set(ip, (perAddress.get(ip) ?? 0) + 1);
    const deadline = setTimeout(() => socket.destroy(), limits.authTimeoutS * 1000);
    let done = false;
    open.set(key, {
      authenticated: () => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        failures.refund(ip);
      },
    });
    socket.once('close', () => {
      clearTimeout(deadline);
      open.delete(key);
      total--;
      const left = (perAddress.get(ip) ?? 1) - 1;
      if (left) perAddress.set(ip, left);
      else perAddress.delete(ip);
    });
    admit(socket);
  });
  return { server, connectionOf: (ip, port) => open.get(`${ip}:${port}`) ?? { authenticated: () => {} } };
}
