import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_IMAGES } from './stacks/index.js';
import { resolveBuildContext } from './context.js';

const plan = { images: DEFAULT_BASE_IMAGES, port: 3000 };

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
    const ctx = await resolveBuildContext(dir, { rootDir: 'apps/web', plan });
    expect(ctx.dockerfile).toBe('Dockerfile');
    expect(ctx.entries.sort()).toEqual(['Dockerfile', 'index.js']);
    expect((await resolveBuildContext(dir, { plan })).entries).not.toContain('.git');
  });
  it('refuses symlinks that lead out of the checkout', async () => {
    const dir = checkout();
    symlinkSync('/etc', join(dir, 'escape'));
    symlinkSync('/etc/passwd', join(dir, 'Dockerfile.evil'));
    await expect(resolveBuildContext(dir, { rootDir: 'escape', plan })).rejects.toThrow(/root directory: points outside the repository/);
    await expect(resolveBuildContext(dir, { dockerfilePath: 'Dockerfile.evil', plan })).rejects.toThrow(/Dockerfile path: points outside the repository/);
  });
  it('says which path is missing', async () => {
    await expect(resolveBuildContext(checkout(), { dockerfilePath: 'nope/Dockerfile', plan })).rejects.toThrow(/nope\/Dockerfile does not exist/);
  });
  it('writes the Dockerfile for a root without one, keeps it past a .dockerignore, and leaves node_modules out when there is none', async () => {
    const dir = checkout();
    mkdirSync(join(dir, 'api', 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'api', 'package.json'), '{"scripts":{"start":"node a.js"}}');
    const ctx = await resolveBuildContext(dir, { rootDir: 'api', plan });
    expect(ctx.plan?.stack).toBe('node');
    expect(ctx.dockerfile).toBe('Dockerfile');
    expect(readFileSync(join(dir, 'api', 'Dockerfile'), 'utf8')).toBe(ctx.dockerfileText);
    expect(ctx.entries.sort()).toEqual(['Dockerfile', 'package.json']);
    writeFileSync(join(dir, 'apps', 'web', '.dockerignore'), '*\n!index.js');
    writeFileSync(join(dir, 'apps', 'web', 'index.html'), '');
    rmSync(join(dir, 'apps', 'web', 'Dockerfile'));
    const site = await resolveBuildContext(dir, { rootDir: 'apps/web', plan });
    expect(site.plan?.stack).toBe('static');
    expect(readFileSync(join(dir, 'apps', 'web', '.dockerignore'), 'utf8')).toBe('*\n!index.js\n!Dockerfile\n');
  });
  it('says what it looked for in a root it cannot build, and does not write over a Dockerfile symlink', async () => {
    const dir = checkout();
    mkdirSync(join(dir, 'docs'));
    await expect(resolveBuildContext(dir, { rootDir: 'docs', plan })).rejects.toThrow(/no Dockerfile, and nothing Spur can build without one: looked for Dockerfile, /);
    symlinkSync('/etc/passwd', join(dir, 'docs', 'Dockerfile'));
    await expect(resolveBuildContext(dir, { rootDir: 'docs', plan })).rejects.toThrow(/points outside the repository/);
  });
});
