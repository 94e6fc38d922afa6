// Spur's SSH client to its servers (ssh2): the host key is pinned at the first connection and a
// different one is refused loudly afterwards; Spur's own key, or a password given once, sent only
// to the server whose host key fingerprint the owner gave.
import { createHash } from 'node:crypto';
import { Client } from 'ssh2';

export interface NodeAddress {
  host: string;
  port: number;
  user: string;
}

export interface NodeCredentials {
  privateKey: string;
  /** Tried when the key is not (yet) in the server's authorized_keys; never stored. Needs
   *  `expectedHostKey`: a password is never sent to a server that could be another. */
  password?: string;
  /** The fingerprint the host key must have; absent at the first connection. */
  pinned?: string | null;
  /** At the first connection: the fingerprint the owner read on the server (`--host-key`). */
  expectedHostKey?: string;
}

/** SHA256:… as OpenSSH prints it (`ssh-keygen -lf`), of a host key's wire form. */
export const fingerprintOf = (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

export class HostKeyChanged extends Error {}

/** Connects and authenticates; the client and the host key's fingerprint. */
export function connectNode(address: NodeAddress, credentials: NodeCredentials, timeoutMs = 15_000): Promise<{ client: Client; fingerprint: string }> {
  if (credentials.password && !credentials.expectedHostKey) {
    return Promise.reject(new Error(`a password is sent only to a server whose host key is given (SHA256:…); nothing was sent to ${address.host}`));
  }
  return new Promise((resolve, reject) => {
    const client = new Client();
    let fingerprint = '';
    let refused: Error | undefined;
    client.on('ready', () => resolve({ client, fingerprint }));
    client.on('error', (err: Error & { level?: string }) => {
      client.end();
      if (refused) return reject(refused);
      if (err.level === 'client-authentication') return reject(new Error(`${address.user}@${address.host} refused Spur's key${credentials.password ? ' and the password' : ''}: add the key shown to ~${address.user}/.ssh/authorized_keys on the server`));
      if (err.level === 'client-timeout') return reject(new Error(`${address.host}:${address.port} did not answer over SSH within ${timeoutMs / 1000} s`));
      const code = (err as { code?: string }).code;
      reject(new Error(code ? `cannot reach ${address.host}:${address.port} over SSH (${code})` : `SSH to ${address.host}:${address.port} failed: ${err.message}`));
    });
    client.connect({
      host: address.host,
      port: address.port,
      username: address.user,
      privateKey: credentials.privateKey,
      password: credentials.password,
      readyTimeout: timeoutMs,
      // The key first, then the password if one was given.
      authHandler: credentials.password ? ['publickey', 'password'] : ['publickey'],
      // Called during the key exchange, before any authentication: a refused key hears no
      // password and no signature of Spur's key.
      hostVerifier: (key: Buffer) => {
        fingerprint = fingerprintOf(key);
        if (credentials.expectedHostKey && credentials.expectedHostKey !== fingerprint) {
          refused = new HostKeyChanged(`the host key of ${address.host}:${address.port} is ${fingerprint}, not ${credentials.expectedHostKey} as given: nothing was sent to it. Read the server's own fingerprint there (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)`);
          return false;
        }
        if (credentials.pinned && credentials.pinned !== fingerprint) {
          refused = new HostKeyChanged(`the host key of ${address.host}:${address.port} changed: pinned ${credentials.pinned}, offered ${fingerprint}. If the server was reinstalled, remove it from Spur and add it again; otherwise someone may be in between`);
          return false;
        }
        return true;
      },
    });
  });
}

/** Runs a fixed command (no input of the user's is ever part of it) and answers its output.
 *  `stdin` is written to it; past `timeoutMs` or `maxBytes` of output the channel is closed and
 *  the call refused (a server that hangs or floods holds no channel and no memory). */
export function runRemote(client: Client, command: string, opts: { stdin?: string; timeoutMs?: number; maxBytes?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      const stop = (why: string) => {
        clearTimeout(timer);
        stream.close();
        reject(new Error(why));
      };
      const timer = opts.timeoutMs ? setTimeout(() => stop(`the server did not answer within ${opts.timeoutMs} ms`), opts.timeoutMs) : undefined;
      if (opts.stdin !== undefined) stream.end(opts.stdin);
      let stdout = '';
      let stderr = '';
      let bytes = 0;
      const take = (d: Buffer, into: 'out' | 'err') => {
        bytes += d.length;
        if (opts.maxBytes !== undefined && bytes > opts.maxBytes) return stop(`the server answered more than ${opts.maxBytes} bytes`);
        if (into === 'out') stdout += d.toString('utf8');
        else stderr += d.toString('utf8');
      };
      stream.on('data', (d: Buffer) => take(d, 'out'));
      stream.stderr.on('data', (d: Buffer) => take(d, 'err'));
      stream.on('close', (code: number | null) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  });
}
