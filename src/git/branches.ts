// Which branch each environment follows. Pure.
import type { Deployment, Environment, Service, ServiceInstance } from '../db/schema.js';

/** The branch a deploy of this instance builds from: its own, else the service's. */
export const buildBranch = (service: Pick<Service, 'git_branch'>, instance: Pick<ServiceInstance, 'branch'>) => instance.branch ?? service.git_branch ?? 'main';

/** The branch whose pushes (git push, webhooks) deploy to this instance: its own; production
 *  follows the service's branch by default; other environments follow none until set. */
export function trackedBranch(service: Pick<Service, 'git_branch'>, env: Pick<Environment, 'name'>, instance: Pick<ServiceInstance, 'branch'>): string | null {
  return instance.branch ?? (env.name === 'production' ? (service.git_branch ?? 'main') : null);
}

type Instance = Pick<ServiceInstance, 'branch' | 'auto_deploy'> & { environment: Pick<Environment, 'name'> };

/** What a push to `branch` does to each instance (git push and webhooks alike): deploy it, or
 *  not because auto-deploy is off there; instances following other branches are left out. */
export function pushTargets<I extends Instance>(service: Pick<Service, 'git_branch'>, instances: I[], branch: string): { deploy: I[]; autoDeployOff: I[] } {
  const following = instances.filter((i) => trackedBranch(service, i.environment, i) === branch);
  return { deploy: following.filter((i) => i.auto_deploy === 1), autoDeployOff: following.filter((i) => i.auto_deploy !== 1) };
}

/** Why a reported push must not deploy, or null. A push moves the branch from `before` to `sha`;
 *  a replayed old report (under a new delivery id) names a commit this environment already ran
 *  before what it runs now, with a `before` that is not what runs. A branch reset names what
 *  runs as its `before`, so it deploys. */
export function staleCommitReason(push: { sha: string; before: string }, active: Pick<Deployment, 'id' | 'commit_sha'> | undefined, lastOfCommit: Pick<Deployment, 'id'> | undefined): string | null {
  if (!active?.commit_sha) return null;
  const short = (sha: string) => sha.slice(0, 12);
  if (push.sha === active.commit_sha) return `commit ${short(push.sha)} is what runs already (deployment #${active.id})`;
  if (push.before === active.commit_sha) return null;
  if (lastOfCommit && lastOfCommit.id < active.id) {
    return `commit ${short(push.sha)} is older than what runs (${short(active.commit_sha)}, deployment #${active.id}) and the push did not start from it; a replayed delivery? Deploy it by hand to go back`;
  }
  return null;
}
