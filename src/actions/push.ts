// A push to a branch of a service, told by `git push` over Spur's SSH (ssh/push-receiver.ts) or by
// a git host's webhook (http/webhooks.ts): the environments that follow the branch with
// auto-deploy on deploy the pushed commit, unless it changed no file their watch paths match.
// Each door says what happened in its own words: this answers, step by step, what was done.
import type { Deps } from '../deps.js';
import type { Deployment, Service } from '../db/schema.js';
import { pushTargets, staleCommitReason } from '../git/branches.js';
import { watchDecision } from '../git/watch-paths.js';
import { type Requester, findActiveDeployment, findLastDeploymentOfCommit } from '../store/deployments.js';
import { getInstanceContext, instanceWatchPaths, listInstancesOf } from '../store/services.js';
import { deploy } from './deployments.js';
import { asksIn, wayTo } from './access.js';
import { type RequestView, createRequest } from './ask.js';
import { type Doer, instanceObject } from './record.js';
import type { InstanceContext } from '../store/services.js';

export interface Push {
  service: Service;
  branch: string;
  /** The pushed commit (full sha). */
  commit: string;
  /** The files the push changed, or undefined when that cannot be told; asked only when an
   *  environment deploys the branch. */
  changedPaths: () => Promise<string[] | undefined>;
  by: Requester;
  /** Who pushed (a key's owner over SSH) or which git host told, for the audit log. */
  who: Doer;
  /** The commit was pushed to Spur: read it from the service's repository through these git
   *  object directories (the push's quarantine while its hook waits). */
  pushedObjects?: Record<string, string>;
  /** A git host's report can come late or twice: a commit older than what runs is refused,
   *  unless the push started from what runs (`before`, the branch's head before the push). */
  refuseOlder?: { before: string };
}

/** One thing the push did, in order. A door that waits on a deployment before taking the next
 *  step holds the next request back until then. */
export type PushStep =
  | { kind: 'unfollowed' }
  | { kind: 'auto-deploy-off'; environment: string }
  | { kind: 'skipped'; environment: string; reason: string }
  | { kind: 'refused'; environment: string; reason: string }
  | { kind: 'deploying'; environment: string; deployment: Deployment }
  /** The environment is protected and the pusher's role (or a git host, always) must ask. */
  | { kind: 'requested'; environment: string; request: RequestView };

/** Deploys a push where the branch is followed, step by step (see PushStep). A deployment that
 *  cannot be asked for (Docker is not ready, variables too large) throws, as a deploy does. */
export async function* receivePush(deps: Deps, push: Push): AsyncGenerator<PushStep> {
  const { service, branch, commit } = push;
  const targets = pushTargets(service, await listInstancesOf(deps.db, service.id), branch);
  for (const off of targets.autoDeployOff) yield { kind: 'auto-deploy-off', environment: off.environment.name };
  if (targets.deploy.length + targets.autoDeployOff.length === 0) yield { kind: 'unfollowed' };
  if (targets.deploy.length === 0) return;
  const changed = await push.changedPaths();
  for (const target of targets.deploy) {
    const environment = target.environment.name;
    const watched = watchDecision(changed, { rootDir: service.root_dir, watchPaths: instanceWatchPaths(target) });
    if (!watched.deploy) {
      yield { kind: 'skipped', environment, reason: watched.reason };
      continue;
    }
    const scope = { serviceId: service.id, environmentId: target.environment_id };
    if (push.refuseOlder) {
      const stale = staleCommitReason({ sha: commit, before: push.refuseOlder.before }, await findActiveDeployment(deps.db, scope), await findLastDeploymentOfCommit(deps.db, scope, commit));
      if (stale) {
        yield { kind: 'refused', environment, reason: stale };
        continue;
      }
    }
    const ctx = await getInstanceContext(deps.db, scope);
    if (await mustAsk(deps, push.who, ctx)) {
      // The pushed commit stays in the service's repository (the push is accepted): the request names it.
      const request = await createRequest(deps, { who: push.who, kind: 'deploy', project: ctx.project, environment: ctx.environment, service, trigger: push.by.trigger, payload: { commit, pushed: push.pushedObjects !== undefined }, summary: { commit } });
      yield { kind: 'requested', environment, request };
      continue;
    }
    const deployment = await deploy(deps, push.who, ctx, push.by, { commit, pushedObjects: push.pushedObjects });
    yield { kind: 'deploying', environment, deployment };
  }
}

/** The door for a pushed deploy: a person's project role decides (access.ts `wayTo`); a git host's
 *  webhook, with no person behind it, always asks in a protected environment. */
async function mustAsk(deps: Deps, who: Doer, ctx: InstanceContext): Promise<boolean> {
  if ('kind' in who) return asksIn({}, 'deploy', ctx.environment);
  return (await wayTo(deps, who, 'deploy', ctx.environment, { object: instanceObject(ctx) })) === 'ask';
}
