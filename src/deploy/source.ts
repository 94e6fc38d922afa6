// Where a build's source comes from: the pushed commit, or what the service's source kind fetches
// (the bare repository, or a clone).
import { type Checkout, checkoutFromRepo } from '../git/clone.js';
import { sourceKindOf } from '../sources/index.js';
import type { InstanceContext } from '../store/services.js';
import { buildBranch } from '../git/branches.js';
import type { PipelineDeps, Steps } from './steps.js';

/** The source of a build: the pushed commit, the bare repository's branch (push-only services),
 *  or a clone of the remote at the branch head or at the commit a webhook named. */
export async function fetchSource(deps: PipelineDeps, ctx: InstanceContext, commit: string | undefined, dir: string, steps: Pick<Steps, 'pushed' | 'say' | 'signal'>): Promise<Checkout> {
  const { service, project } = ctx;
  const branch = buildBranch(service, ctx.instance);
  if (steps.pushed) {
    await steps.say(`Using the pushed commit ${steps.pushed.rev.slice(0, 12)}`);
    return checkoutFromRepo({ ...steps.pushed, dir });
  }
  const kind = sourceKindOf(service);
  if (!kind.builds) throw new Error(`${service.name} ${kind.deploys}; nothing is built`);
  return kind.fetch(deps, { projectId: project.id, service, branch, commit, dir, say: steps.say, signal: steps.signal });
}
