// Fetches a release's executable and checks its SHA-256 before anything may run it.
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { parseChecksum, parseLatestRelease } from './releases.js';

const MAX_BINARY_BYTES = 400 * 1024 * 1024;

async function get(url: string, timeoutMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`${url} could not be fetched (${(err as Error).cause ?? (err as Error).message})`);
  }
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
  return res;
}

export async function fetchLatestRelease(url: string): Promise<{ version: string; commit: string }> {
  const res = await get(url, 15_000);
  return parseLatestRelease(await res.json().catch(() => null));
}

/** Writes the executable at `urls.binary` to `target` (0755) when its digest is the one
 *  `urls.checksum` names; otherwise nothing is left behind. */
export async function downloadVerified(urls: { binary: string; checksum: string }, target: string): Promise<string> {
  const expected = parseChecksum(await (await get(urls.checksum, 30_000)).text());
  const res = await get(urls.binary, 10 * 60_000);
  const hash = createHash('sha256');
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > MAX_BINARY_BYTES) return done(new Error(`${urls.binary} is larger than ${MAX_BINARY_BYTES} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as ReadableStream), counted, createWriteStream(target, { mode: 0o755 }));
    const actual = hash.digest('hex');
    if (actual !== expected) throw new Error(`${urls.binary} has SHA-256 ${actual}, but its .sha256 says ${expected}; nothing was changed`);
    return actual;
  } catch (err) {
    rmSync(target, { force: true });
    throw err;
  }
}
