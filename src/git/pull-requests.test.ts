import { describe, expect, it } from 'vitest';
import { isPullRequestEvent, readPullRequest } from './pull-requests.js';

const SHA = 'a'.repeat(40);
const github = (action: string, headRepo: string | null = 'acme/shop') => ({ action, number: 7, pull_request: { number: 7, title: 'Add cart', head: { sha: SHA, ref: 'cart', repo: headRepo && { full_name: headRepo } }, base: { ref: 'main', repo: { full_name: 'acme/shop' } } } });
const gitea = (action: string, headRepoId = 1) => ({ action, number: 7, pull_request: { number: 7, title: 'Add cart', head: { sha: SHA, ref: 'cart', repo: { id: headRepoId } }, base: { ref: 'main', repo: { id: 1 } } } });
const gitlab = (action: string, extra: Record<string, unknown> = {}) => ({ object_kind: 'merge_request', object_attributes: { action, iid: 7, title: 'Add cart', last_commit: { id: SHA }, source_branch: 'cart', target_branch: 'main', source_project_id: 5, target_project_id: 5, ...extra } });

describe('pull request events', () => {
  it('are told apart from pushes by each host\'s event name', () => {
    expect([isPullRequestEvent('github', 'pull_request'), isPullRequestEvent('gitea', 'pull_request'), isPullRequestEvent('gitlab', 'Merge Request Hook'), isPullRequestEvent('github', 'push')]).toEqual([true, true, true, false]);
  });

  it('read opened, updated and closed from GitHub, Gitea and GitLab alike', () => {
    const open = { action: 'open', number: 7, head: SHA, headBranch: 'cart', baseBranch: 'main', fork: false, title: 'Add cart' };
    expect(readPullRequest('github', github('opened'))).toEqual(open);
    expect(readPullRequest('github', github('synchronize'))).toEqual({ ...open, action: 'update' });
    expect(readPullRequest('github', github('closed'))).toEqual({ action: 'close', number: 7, baseBranch: 'main' });
    expect(readPullRequest('gitea', gitea('synchronized'))).toEqual({ ...open, action: 'update' });
    expect(readPullRequest('gitlab', gitlab('open'))).toEqual(open);
    expect(readPullRequest('gitlab', gitlab('update', { oldrev: 'b'.repeat(40) }))).toEqual({ ...open, action: 'update' });
    expect(readPullRequest('gitlab', gitlab('merge'))).toEqual({ action: 'close', number: 7, baseBranch: 'main' });
  });

  it('see a fork: another head repository, or none any more', () => {
    expect(readPullRequest('github', github('opened', 'mallory/shop'))).toMatchObject({ fork: true });
    expect(readPullRequest('github', github('opened', null))).toMatchObject({ fork: true });
    expect(readPullRequest('gitea', gitea('opened', 2))).toMatchObject({ fork: true });
    expect(readPullRequest('gitlab', gitlab('open', { source_project_id: 9 }))).toMatchObject({ fork: true });
  });

  it('ignore what a preview does not act on, and fields that are not what they claim', () => {
    expect(readPullRequest('github', github('labeled'))).toEqual({ ignored: 'the pull request was labeled' });
    expect(readPullRequest('gitlab', gitlab('update'))).toEqual({ ignored: 'the merge request was update without new commits' });
    expect(readPullRequest('github', { ...github('opened'), pull_request: { ...github('opened').pull_request, head: { sha: '--upload-pack=x', ref: 'cart' } } })).toEqual({ ignored: 'the pull request has no head commit' });
    expect(readPullRequest('github', { ...github('opened'), number: -1, pull_request: { ...github('opened').pull_request, number: 'x' } })).toEqual({ ignored: 'the pull request has no number' });
    expect(readPullRequest('github', null)).toEqual({ ignored: 'not the JSON of a pull request event' });
  });
});
