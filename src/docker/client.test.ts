// Every dockerode client is made by dockerClient(), so none escapes the API version negotiation
// (the local daemon's, and each enrolled server's over SSH).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerClient, negotiateApiVersion } from './client.js';

const SRC = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('dockerode clients', () => {
  it('are constructed only in src/docker/client.ts', () => {
    const constructing = sourceFiles(SRC)
      .filter((f) => /new\s+(Docker|Dockerode)\s*\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(constructing).toEqual(['docker/client.ts']);
  });

  it('refuses to negotiate for a client it did not make', async () => {
    const { default: Docker } = await import('dockerode');
    await expect(negotiateApiVersion(new Docker({ socketPath: '/nonexistent.sock' }))).rejects.toThrow('was not made by dockerClient()');
    expect(dockerClient({ socketPath: '/nonexistent.sock' }).modem).toBeDefined();
  });
});
