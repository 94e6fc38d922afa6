// Test fixture: a fake Docker daemon on a unix socket, answering as a daemon with the given API
// range does (Docker 29 refuses versions below its minimum with the message it really sends).
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareVersions } from '../src/docker/api-version.js';

export interface FakeDaemon {
  socketPath: string;
  /** Every request path it was sent, in order. */
  paths: string[];
  close(): Promise<void>;
  /** Closes it and removes its directory. */
  remove(): Promise<void>;
}

/** A daemon whose newest API is `max` and oldest `min`; an unversioned path means its newest, as
 *  Docker's does. A version below `min` is answered as Docker 29 answers it. */
export async function fakeDaemon(opts: { engine: string; max: string; min: string; socketPath?: string; services?: Record<string, unknown[]>; swarm?: 'active' | 'inactive'; resetAfter?: number; answerAfterMs?: number }): Promise<FakeDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'spur-fake-docker-'));
  const socketPath = opts.socketPath ?? join(dir, 'docker.sock');
  const paths: string[] = [];
  const json = (res: ServerResponse, status: number, body: unknown) => {
    const answer = () => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': opts.max });
      res.end(JSON.stringify(body));
    };
    // A busy daemon: every answer comes this late.
    if (opts.answerAfterMs) setTimeout(answer, opts.answerAfterMs);
    else answer();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    // A daemon going down: the requests after the first few have their connection reset.
    if (opts.resetAfter !== undefined && paths.length > opts.resetAfter) return req.socket.destroy();
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(req.url ?? '');
    const asked = m?.[1];
    const path = (m ? m[2] : req.url ?? '').split('?')[0];
    if (asked && compareVersions(asked, opts.min) < 0) {
      return json(res, 400, { message: `client version ${asked} is too old. Minimum supported API version is ${opts.min}, please upgrade your client to a newer version` });
    }
    if (asked && compareVersions(asked, opts.max) > 0) return json(res, 400, { message: `client version ${asked} is too new. Maximum supported API version is ${opts.max}` });
    if (path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Api-Version': opts.max });
      return res.end('OK');
    }
    if (path === '/version') return json(res, 200, { Version: opts.engine, ApiVersion: opts.max, MinAPIVersion: opts.min });
    if (path === '/info') return json(res, 200, { Swarm: { LocalNodeState: opts.swarm ?? 'active', ControlAvailable: (opts.swarm ?? 'active') === 'active' } });
    if (path === '/networks') return json(res, 200, [{ Name: 'spur-edge', Id: 'n1' }]);
    if (path === '/tasks') {
      // As Swarm answers: the tasks of a service it has, 404 for a service it has not.
      const name = (JSON.parse(new URL(req.url ?? '', 'http://d').searchParams.get('filters') ?? '{}') as { service?: string[] }).service?.[0] ?? '';
      return opts.services?.[name] ? json(res, 200, opts.services[name]) : json(res, 404, { message: `service ${name} not found` });
    }
    return json(res, 404, { message: `page not found: ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const close = () => new Promise<void>((r) => server.close(() => r()));
  return { socketPath, paths, close, remove: async () => { if (server.listening) await close(); rmSync(dir, { recursive: true, force: true }); } };
}

