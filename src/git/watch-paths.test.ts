import { describe, expect, it } from 'vitest';
import { changedFilesOf, globRegExp, watchDecision } from './watch-paths.js';

describe('watch paths', () => {
  it('matches globs as a monorepo means them', () => {
    expect(globRegExp('apps/web/**').test('apps/web/src/index.ts')).toBe(true);
    expect(globRegExp('apps/web/**').test('apps/webby/x')).toBe(false);
    expect(globRegExp('apps/web').test('apps/web/package.json')).toBe(true);
    expect(globRegExp('packages/*/src/**').test('packages/ui/src/button.tsx')).toBe(true);
    expect(globRegExp('packages/*/src/**').test('packages/ui/test/x')).toBe(false);
    expect(globRegExp('*.lock').test('deep/dir/yarn.lock')).toBe(true);
    expect(globRegExp('go.?od').test('go.mod')).toBe(true);
    expect(globRegExp('a.b').test('aXb')).toBe(false);
  });

  it('deploys when a changed file is under the root directory or matches a pattern, and says why not otherwise', () => {
    expect(watchDecision(['apps/api/main.go'], { rootDir: 'apps/web', watchPaths: [] })).toEqual({ deploy: false, reason: 'no changed file is under its root directory apps/web/' });
    expect(watchDecision(['apps/web/index.html'], { rootDir: './apps/web/', watchPaths: [] })).toEqual({ deploy: true });
    expect(watchDecision(['packages/ui/src/a.ts'], { rootDir: 'apps/web', watchPaths: ['apps/web/**', 'packages/ui/**'] })).toEqual({ deploy: true });
    expect(watchDecision(['README.md'], { rootDir: null, watchPaths: ['src/**'] })).toEqual({ deploy: false, reason: 'no changed file is under its watch paths (src/**)' });
  });

  it('deploys when it cannot tell: no rules, or no list of changed files', () => {
    expect(watchDecision(['x'], { rootDir: null, watchPaths: [] })).toEqual({ deploy: true });
    expect(watchDecision(undefined, { rootDir: 'apps/web', watchPaths: ['a/**'] })).toEqual({ deploy: true });
  });

  it('reads the changed files of a push event', () => {
    expect(changedFilesOf({ commits: [{ added: ['a'], modified: ['b', 7], removed: [] }, { modified: ['b', 'c'] }] })?.sort()).toEqual(['a', 'b', 'c']);
    expect(changedFilesOf({ commits: [] })).toBeUndefined();
    expect(changedFilesOf({})).toBeUndefined();
  });
});
