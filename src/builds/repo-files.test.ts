import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, readRepoFile } from './repo-files.js';

const repo = () => realpathSync(mkdtempSync(join(tmpdir(), 'spur-repo-')));

describe('isInside', () => {
  it('accepts the directory itself and anything below it', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d')).toBe(true);
  });
  it('refuses siblings, parents and look-alike prefixes', () => {
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/etc/passwd')).toBe(false);
  });
});

describe('readRepoFile', () => {
  it('reads a regular file, also through a symlink that stays inside', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'ignore'), 'node_modules\n');
    symlinkSync('ignore', join(dir, '.dockerignore'));
    expect(await readRepoFile(dir, '.dockerignore', 100)).toBe('node_modules\n');
  });
  it('answers null for a missing file', async () => {
    expect(await readRepoFile(repo(), '.dockerignore', 100)).toBeNull();
  });
  it('refuses symlinks that leave the checkout', async () => {
    const dir = repo();
    symlinkSync('/etc/passwd', join(dir, '.dockerignore'));
    await expect(readRepoFile(dir, '.dockerignore', 1 << 20)).rejects.toThrow(/outside the repository/);
  });
  it('refuses devices and FIFOs without blocking on them', async () => {
    const dir = repo();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await expect(readRepoFile(dir, 'fifo', 100)).rejects.toThrow(/not a regular file/);
    await expect(readRepoFile('/dev', 'zero', 100)).rejects.toThrow(/not a regular file/);
  });
  it('refuses files past the size bound', async () => {
    const dir = repo();
    writeFileSync(join(dir, '.dockerignore'), 'x'.repeat(101));
    await expect(readRepoFile(dir, '.dockerignore', 100)).rejects.toThrow(/larger than/);
  });
});
