// Where a build's source comes from: the pushed commit, or what the service's source kind fetches
// (the bare repository, or a clone).
import { type Checkout, checkoutFromRepo } from '../git/clone.js';
import { repoDir } from '../git/repos.js';
import type { Deployment } from '../db/schema.js';
import { sourceKindOf } from '../sources/index.js';
import type { InstanceContext } from '../store/services.js';
import { buildBranch } from '../git/branches.js';
import type { PipelineDeps, Steps } from './steps.js';

/** The source of a build, as the deployment records it: the commit pushed to Spur, or what the
 *  service's source kind fetches (the bare repository's branch for push-only services, a clone of
 *  the remote at the branch head or at the commit a webhook named). Without a deployment (a
 *  preview), the branch head. */
export async function fetchSource(deps: PipelineDeps, ctx: InstanceContext, deployment: Pick<Deployment, 'commit_sha' | 'pushed_objects'> | undefined, dir: string, steps: Pick<Steps, 'say' | 'signal'>): Promise<Checkout> {
  const { service, project } = ctx;
  const branch = buildBranch(service, ctx.instance);
  const commit = deployment?.commit_sha ?? undefined;
  if (commit && deployment?.pushed_objects != null) {
    await steps.say(`Using the pushed commit ${commit.slice(0, 12)}`);
    const pushedTo = repoDir(deps.config.dataDir, { projectId: project.id, serviceId: service.id });
    return checkoutFromRepo({ repoDir: pushedTo, rev: commit, objectEnv: JSON.parse(deployment.pushed_objects) as Record<string, string>, dir });
  }
  const kind = sourceKindOf(service);
  if (!kind.builds) throw new Error(`${service.name} ${kind.deploys}; nothing is built`);
  return kind.fetch(deps, { projectId: project.id, service, branch, commit, dir, say: steps.say, signal: steps.signal });
}
