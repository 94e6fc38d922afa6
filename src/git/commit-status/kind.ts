// A git host's API for a commit's status, the way a preview tells its pull request where it runs
// (and whether its deploy worked). Each host is one descriptor file; pure: the request is sent by
// actions/preview-status.ts.
import type { Provider } from '../pull-requests.js';

export type CommitState = 'pending' | 'success' | 'failure';

export interface CommitStatus {
  state: CommitState;
  /** The preview's address, linked from the pull request. */
  url: string | null;
  description: string;
}

/** A repository on its host: `https://host[:port]` and `owner/name` (a GitLab group path may be deeper). */
export interface HostedRepository {
  origin: string;
  path: string;
}

export interface StatusRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface CommitStatusKind {
  provider: Provider;
  request(repo: HostedRepository, sha: string, status: CommitStatus, token: string): StatusRequest;
}

/** The name the status goes under on the pull request. */
export const STATUS_CONTEXT = 'spur/preview';
