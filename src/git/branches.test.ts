import { describe, expect, it } from 'vitest';
import { buildBranch, pushTargets, staleCommitReason, trackedBranch } from './branches.js';

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

describe('pushTargets', () => {
  const prod = { environment: { name: 'production' }, branch: null, auto_deploy: 1 };
  it('deploys environments that follow the branch with auto-deploy on, and names those with it off', () => {
    const staging = { environment: { name: 'staging' }, branch: 'main', auto_deploy: 0 };
    const other = { environment: { name: 'preview' }, branch: 'develop', auto_deploy: 1 };
    expect(pushTargets({ git_branch: 'main' }, [prod, staging, other], 'main')).toEqual({ deploy: [prod], autoDeployOff: [staging] });
  });
});

describe('staleCommitReason', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const C = 'c'.repeat(40);
  const active = { id: 5, commit_sha: B };
  it('lets a push from what runs deploy, a reset to an older commit included', () => {
    expect(staleCommitReason({ sha: C, before: B }, active, undefined)).toBeNull();
    expect(staleCommitReason({ sha: A, before: B }, active, { id: 3 })).toBeNull();
  });
  it('refuses an old report of a commit that ran before what runs now', () => {
    expect(staleCommitReason({ sha: A, before: '0'.repeat(40) }, active, { id: 3 })).toMatch(/older than what runs \(bbbbbbbbbbbb, deployment #5\)/);
  });
  it('refuses the commit that runs already', () => {
    expect(staleCommitReason({ sha: B, before: A }, active, { id: 5 })).toMatch(/is what runs already/);
  });
  it('lets commits never deployed (or newer than what runs) through, and anything when nothing runs', () => {
    expect(staleCommitReason({ sha: C, before: A }, active, undefined)).toBeNull();
    expect(staleCommitReason({ sha: C, before: A }, active, { id: 7 })).toBeNull();
    expect(staleCommitReason({ sha: A, before: C }, undefined, { id: 3 })).toBeNull();
  });
});
