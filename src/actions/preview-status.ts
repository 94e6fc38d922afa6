// A preview tells its pull request how its deploy goes: a commit status on the head commit
// ("pending" while it builds and rolls out, "success" with the preview's address, "failure"), through
// the API of the git host whose event made it, with the token the service's admin set. No token,
// no status. Sent as any outgoing request is (alerts/channels/send.ts): never to this machine or
// link-local addresses, to private ones only when SPUR_GIT_ALLOW_PRIVATE=1.
import { readFileSync } from 'node:fs';
import type { DeploymentStatus } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { post } from '../alerts/channels/send.js';
import { generatedDomain } from '../docker/names.js';
import { type CommitStatus, commitStatusRequest } from '../git/commit-status/index.js';
import type { Provider } from '../git/pull-requests.js';
import { unseal } from '../secrets.js';
import { previewStatusFacts } from '../store/previews.js';

const DESCRIPTION_MAX = 140;

/** The status a deployment's new state shows on its pull request; undefined: none is posted. */
export function commitStatusFor(status: DeploymentStatus, environment: string, url: string): CommitStatus | undefined {
  const cut = (s: string) => (s.length > DESCRIPTION_MAX ? `${s.slice(0, DESCRIPTION_MAX - 1)}…` : s);
  if (status === 'building' || status === 'deploying') return { state: 'pending', url: null, description: cut(`Spur is deploying preview ${environment}`) };
  if (status === 'active') return { state: 'success', url, description: cut(`Preview ${environment} is running at ${url}`) };
  // Why it failed stays in Spur: a public pull request is read by anyone.
  if (status === 'failed') return { state: 'failure', url: null, description: cut(`The deploy of preview ${environment} failed; its log in Spur says why`) };
  if (status === 'cancelled') return { state: 'failure', url: null, description: cut(`The deploy of preview ${environment} was cancelled`) };
  return undefined;
}

/** Posts the commit status of each preview deployment's state changes until the returned
 *  function is called. */
export function reportPreviewStatuses(deps: Pick<Deps, 'db' | 'key' | 'log' | 'logBus' | 'config'>): () => void {
  const ca = deps.config.gitCaFile ? readFileSync(deps.config.gitCaFile, 'utf8') : undefined;
  // One request at a time per deployment, in order: "success" never lands before its "pending".
  const tails = new Map<number, Promise<void>>();
  return deps.logBus.watchStatuses(({ deploymentId, status }) => {
    const run = (tails.get(deploymentId) ?? Promise.resolve()).then(() => report(deps, deploymentId, status, ca)).catch((err) => deps.log.warn("a preview's commit status was not posted", { deploymentId, status, error: String(err) }));
    tails.set(deploymentId, run);
    void run.then(() => tails.get(deploymentId) === run && tails.delete(deploymentId));
  });
}

async function report(deps: Pick<Deps, 'db' | 'key' | 'config'>, deploymentId: number, status: DeploymentStatus, ca: string | undefined): Promise<void> {
  const facts = await previewStatusFacts(deps.db, deploymentId);
  if (!facts?.commit_sha || !facts.git_url || !facts.token_sealed) return;
  const url = `http://${generatedDomain(facts.domain_label, deps.config.baseDomain)}`;
  const wanted = commitStatusFor(status, facts.environment, url);
  if (!wanted) return;
  const request = commitStatusRequest(facts.provider as Provider, facts.git_url, facts.commit_sha, wanted, unseal(deps.key, facts.token_sealed));
  if (!request) return;
  await post(request, { allowPrivate: deps.config.gitAllowPrivate, allowPrivateSetting: 'SPUR_GIT_ALLOW_PRIVATE=1', ca });
}
