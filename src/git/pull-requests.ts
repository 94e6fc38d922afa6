// A pull (merge) request event from GitHub, GitLab or Gitea/Forgejo, read into what a preview
// needs: opened or updated (its head commit), or closed; and whether its head is in another
// repository (a fork), whose code Spur never runs with secrets or without an admin's approval.
// "Not a fork" here is only what the host says: actions/previews.ts also checks that the
// repository's own branch points at the head (a Gitea AGit request names the base repository).
// Pure: the webhook's signature is checked before (http/webhook-signature.ts).
/** The git hosts whose webhooks Spur reads (http/webhook-signature.ts checks their signatures). */
export type Provider = 'github' | 'gitlab' | 'gitea';

export type PullRequestEvent =
  | { action: 'open' | 'update'; number: number; head: string; headBranch: string; baseBranch: string; fork: boolean; title: string }
  | { action: 'close'; number: number; baseBranch: string };

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Whether a provider's event names a pull (merge) request at all. */
export const isPullRequestEvent = (provider: Provider, event: string) => (provider === 'gitlab' ? event === 'Merge Request Hook' : event === 'pull_request');

type Json = Record<string, any>;

/** The event, or why it is none a preview acts on (a label added, a review asked, bad fields). */
export function readPullRequest(provider: Provider, payload: unknown): PullRequestEvent | { ignored: string } {
  if (!payload || typeof payload !== 'object') return { ignored: 'not the JSON of a pull request event' };
  const p = payload as Json;
  const facts = provider === 'gitlab' ? gitlab(p) : githubLike(p, provider);
  if ('ignored' in facts) return facts;
  const { action, number, baseBranch } = facts;
  if (!Number.isSafeInteger(number) || number < 1 || number > 999_999_999) return { ignored: 'the pull request has no number' };
  if (typeof baseBranch !== 'string' || !baseBranch) return { ignored: 'the pull request has no base branch' };
  if (action === 'close') return { action, number, baseBranch };
  if (typeof facts.head !== 'string' || !SHA.test(facts.head)) return { ignored: 'the pull request has no head commit' };
  if (typeof facts.headBranch !== 'string' || !facts.headBranch) return { ignored: 'the pull request has no head branch' };
  return { action, number, head: facts.head, headBranch: facts.headBranch, baseBranch, fork: facts.fork, title: typeof facts.title === 'string' ? facts.title.slice(0, 200) : '' };
}

type Facts = { action: 'open' | 'update' | 'close'; number: number; head?: unknown; headBranch?: unknown; baseBranch: unknown; fork: boolean; title?: unknown };

const ACTIONS: Record<string, Facts['action']> = { opened: 'open', reopened: 'open', synchronize: 'update', synchronized: 'update', closed: 'close' };

/** GitHub and Gitea/Forgejo share a shape; a head repository missing (deleted) or another than
 *  the base's is a fork. */
function githubLike(p: Json, provider: Provider): Facts | { ignored: string } {
  const action = ACTIONS[String(p.action)];
  if (!action) return { ignored: `the pull request was ${String(p.action ?? 'changed')}` };
  const pr = (p.pull_request ?? {}) as Json;
  const headRepo = pr.head?.repo;
  const baseRepo = pr.base?.repo;
  const fork = provider === 'gitea' ? !headRepo || typeof headRepo.id !== 'number' || headRepo.id !== baseRepo?.id : !headRepo || typeof headRepo.full_name !== 'string' || headRepo.full_name !== baseRepo?.full_name;
  return { action, number: Number(pr.number ?? p.number), head: pr.head?.sha, headBranch: pr.head?.ref, baseBranch: pr.base?.ref, fork, title: pr.title };
}

/** GitLab: "open", "reopen", "update" (with new commits only), "close", "merge"; a source project
 *  other than the target is a fork. */
function gitlab(p: Json): Facts | { ignored: string } {
  const a = (p.object_attributes ?? {}) as Json;
  const raw = String(a.action ?? '');
  const action: Facts['action'] | undefined = raw === 'open' || raw === 'reopen' ? 'open' : raw === 'update' && a.oldrev ? 'update' : raw === 'close' || raw === 'merge' ? 'close' : undefined;
  if (!action) return { ignored: `the merge request was ${raw || 'changed'}${raw === 'update' ? ' without new commits' : ''}` };
  return { action, number: Number(a.iid), head: a.last_commit?.id, headBranch: a.source_branch, baseBranch: a.target_branch, fork: typeof a.source_project_id !== 'number' || a.source_project_id !== a.target_project_id, title: a.title };
}
