// GitLab: POST /api/v4/projects/{url-encoded path}/statuses/{sha}; its states are named its own way.
import { type CommitState, type CommitStatusKind, STATUS_CONTEXT } from './kind.js';

const STATES: Record<CommitState, string> = { pending: 'running', success: 'success', failure: 'failed' };

export const gitlab: CommitStatusKind = {
  provider: 'gitlab',
  request(repo, sha, status, token) {
    return {
      url: `${repo.origin}/api/v4/projects/${encodeURIComponent(repo.path)}/statuses/${sha}`,
      headers: { 'PRIVATE-TOKEN': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: STATES[status.state], ...(status.url ? { target_url: status.url } : {}), description: status.description, name: STATUS_CONTEXT }),
    };
  },
};
