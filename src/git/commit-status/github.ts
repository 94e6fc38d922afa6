// GitHub: POST /repos/{owner}/{repo}/statuses/{sha} on api.github.com (GitHub Enterprise: /api/v3).
import { type CommitStatusKind, STATUS_CONTEXT } from './kind.js';

export const github: CommitStatusKind = {
  provider: 'github',
  request(repo, sha, status, token) {
    const api = repo.origin === 'https://github.com' ? 'https://api.github.com' : `${repo.origin}/api/v3`;
    return {
      url: `${api}/repos/${repo.path}/statuses/${sha}`,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'Content-Type': 'application/json', 'User-Agent': 'spur' },
      body: JSON.stringify({ state: status.state, ...(status.url ? { target_url: status.url } : {}), description: status.description, context: STATUS_CONTEXT }),
    };
  },
};
