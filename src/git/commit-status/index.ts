// The commit status request for a preview: the host's kind, and where its API is, read from the
// repository URL the service deploys from (never from the event, whose URLs a sender writes).
import type { Provider } from '../pull-requests.js';
import { gitea } from './gitea.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import type { CommitStatus, CommitStatusKind, HostedRepository, StatusRequest } from './kind.js';

export type { CommitState, CommitStatus } from './kind.js';

const KINDS: Record<Provider, CommitStatusKind> = { github, gitlab, gitea };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The repository of an https://, http:// (a private host), ssh:// or scp-style git URL, its API
 *  reached over HTTPS (HTTP for an http:// one); undefined when the URL names none. */
export function hostedRepository(gitUrl: string): HostedRepository | undefined {
  let origin: string;
  let path: string;
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(gitUrl);
  if (scp) {
    origin = `https://${scp[1]}`;
    path = scp[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(gitUrl);
    } catch {
      return undefined;
    }
    if (url.protocol === 'ssh:') origin = `https://${url.hostname}`;
    else if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin;
    else return undefined;
    path = decodeURIComponent(url.pathname);
  }
  const segments = path.replace(/\.git\/?$/, '').split('/').filter(Boolean);
  if (segments.length < 2 || !segments.every((s) => SEGMENT.test(s) && !/^\.+$/.test(s))) return undefined;
  return { origin, path: segments.join('/') };
}

export function commitStatusRequest(provider: Provider, gitUrl: string, sha: string, status: CommitStatus, token: string): StatusRequest | undefined {
  const repo = hostedRepository(gitUrl);
  if (!repo || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return undefined;
  return KINDS[provider].request(repo, sha, status, token);
}
