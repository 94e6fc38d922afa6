import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBuildContext } from './context.js';

describe('resolveBuildContext', () => {
  const checkout = () => {
    const dir = mkdtempSync(join(tmpdir(), 'spur-ctx-'));
    mkdirSync(join(dir, 'apps', 'web'), { recursive: true });
    writeFileSync(join(dir, 'apps', 'web', 'Dockerfile'), 'FROM x');
    writeFileSync(join(dir, 'apps', 'web', 'index.js'), '');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM x');
    return dir;
  };
  it('uses the root directory as context and the Dockerfile path relative to it', async () => {
    const dir = checkout();
    const ctx = await resolveBuildContext(dir, { rootDir: 'apps/web' });
    expect(ctx.dockerfile).toBe('Dockerfile');
    expect(ctx.entries.sort()).toEqual(['Dockerfile', 'index.js']);
    expect((await resolveBuildContext(dir, {})).entries).not.toContain('.git');
  });
  it('refuses symlinks that lead out of the checkout', async () => {
    const dir = checkout();
    symlinkSync('/etc', join(dir, 'escape'));
    symlinkSync('/etc/passwd', join(dir, 'Dockerfile.evil'));
    await expect(resolveBuildContext(dir, { rootDir: 'escape' })).rejects.toThrow(/root directory: points outside the repository/);
    await expect(resolveBuildContext(dir, { dockerfilePath: 'Dockerfile.evil' })).rejects.toThrow(/Dockerfile path: points outside the repository/);
  });
  it('says which path is missing', async () => {
    await expect(resolveBuildContext(checkout(), { dockerfilePath: 'nope/Dockerfile' })).rejects.toThrow(/nope\/Dockerfile does not exist/);
  });
});
