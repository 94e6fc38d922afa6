import { describe, expect, it } from 'vitest';
import { buildBranch, trackedBranch } from './branches.js';

describe('branches', () => {
  it('production follows the service branch unless the instance sets its own', () => {
    expect(trackedBranch({ git_branch: 'main' }, { name: 'production' }, { branch: null })).toBe('main');
    expect(trackedBranch({ git_branch: 'main' }, { name: 'production' }, { branch: 'release' })).toBe('release');
  });
  it('other environments follow no branch until one is set', () => {
    expect(trackedBranch({ git_branch: 'main' }, { name: 'staging' }, { branch: null })).toBeNull();
    expect(trackedBranch({ git_branch: 'main' }, { name: 'staging' }, { branch: 'develop' })).toBe('develop');
  });
  it('builds from the instance branch, else the service branch', () => {
    expect(buildBranch({ git_branch: 'main' }, { branch: null })).toBe('main');
    expect(buildBranch({ git_branch: 'main' }, { branch: 'develop' })).toBe('develop');
  });
});
