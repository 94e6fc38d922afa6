// Gitea and Forgejo: POST /api/v1/repos/{owner}/{repo}/statuses/{sha}, GitHub's body.
import { type CommitStatusKind, STATUS_CONTEXT } from './kind.js';

export const gitea: CommitStatusKind = {
  provider: 'gitea',
  request(repo, sha, status, token) {
    return {
      url: `${repo.origin}/api/v1/repos/${repo.path}/statuses/${sha}`,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: status.state, ...(status.url ? { target_url: status.url } : {}), description: status.description, context: STATUS_CONTEXT }),
    };
  },
};
