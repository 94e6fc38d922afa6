// Which branch each environment follows. Pure.
import type { Environment, Service, ServiceInstance } from '../db/schema.js';

/** The branch a deploy of this instance builds from: its own, else the service's. */
export const buildBranch = (service: Pick<Service, 'git_branch'>, instance: Pick<ServiceInstance, 'branch'>) => instance.branch ?? service.git_branch ?? 'main';

/** The branch whose pushes (git push, webhooks) deploy to this instance: its own; production
 *  follows the service's branch by default; other environments follow none until set. */
export function trackedBranch(service: Pick<Service, 'git_branch'>, env: Pick<Environment, 'name'>, instance: Pick<ServiceInstance, 'branch'>): string | null {
  return instance.branch ?? (env.name === 'production' ? (service.git_branch ?? 'main') : null);
}
