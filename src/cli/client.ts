// The CLI's connection to a Spur server: where it is, the token, and JSON/SSE requests.
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type SseMessage, readSse } from './sse.js';
import { VERSION } from '../version.js';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface CliLogin {
  url: string;
  token: string;
}

export const cliConfigPath = (env: NodeJS.ProcessEnv) => env.SPUR_CONFIG ?? join(env.HOME ?? homedir(), '.config', 'spur', 'cli.json');

export function saveLogin(env: NodeJS.ProcessEnv, login: CliLogin): void {
  const file = cliConfigPath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(login, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function loadLogin(env: NodeJS.ProcessEnv): CliLogin {
  if (env.SPUR_URL && env.SPUR_TOKEN) return { url: env.SPUR_URL, token: env.SPUR_TOKEN };
  const file = cliConfigPath(env);
  if (!existsSync(file)) throw new CliError('not logged in: run `spur login <url> --token <token>` first');
  return JSON.parse(readFileSync(file, 'utf8')) as CliLogin;
}

export class ApiClient {
  constructor(private readonly login: CliLogin) {}

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.login.url.replace(/\/$/, '')}/api/v1${path}`, {
        method,
        // The User-Agent names the CLI as the door in the audit log.
        headers: { Authorization: `Bearer ${this.login.token}`, 'User-Agent': `spur-cli/${VERSION}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new CliError(`cannot reach ${this.login.url}: ${(err as Error).cause ?? (err as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {}
      throw new CliError(`${message} (HTTP ${res.status})`);
    }
    return res;
  }

  /** The answer's JSON body; undefined for 204 No Content. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  /** Streams the answer's body into `file` (0600), whole or not at all. */
  async download(path: string, file: string): Promise<number> {
    const res = await this.send('GET', path);
    const partial = `${file}.part`;
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(partial, { mode: 0o600 }));
      renameSync(partial, file);
    } catch (err) {
      rmSync(partial, { force: true });
      throw new CliError(`could not write ${file}: ${(err as Error).message}`);
    }
    return statSync(file).size;
  }

  /** The answer's lines as they arrive (a JSON-lines export), without the line ends. */
  async *lines(path: string): AsyncGenerator<string> {
    const res = await this.send('GET', path);
    if (!res.body) return;
    const decoder = new TextDecoder();
    let rest = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest) yield rest;
  }

  async *events(path: string, method = 'GET', body?: unknown): AsyncGenerator<SseMessage> {
    const res = await this.send(method, path, body);
    if (!res.body) return;
    yield* readSse(res.body);
  }
}
