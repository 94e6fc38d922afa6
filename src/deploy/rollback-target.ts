// Which earlier deployment a rollback runs again. Pure.
import type { Deployment } from '../db/schema.js';
import { SPUR_IMAGE_NAMESPACE } from '../docker/names.js';

type Target = Pick<Deployment, 'id' | 'status' | 'image_tag'>;

/** `targets`: deployments that served, newest first. With no id, the newest one that no longer
 *  serves and runs a different image than what serves now (rolling back to the same image would
 *  change nothing). Undefined when there is none. */
export function chooseRollbackTarget<T extends Target>(targets: T[], deploymentId?: number): T | undefined {
  if (deploymentId !== undefined) return targets.find((d) => d.id === deploymentId);
  const current = targets.find((d) => d.status === 'active');
  return targets.find((d) => d.status === 'superseded' && d.image_tag !== current?.image_tag);
}

/** Whether an earlier deployment's image is one Spur built for the service (its own tag), rather
 *  than a public image named by the user, whose name is checked again before it runs. Decided by
 *  the deployment, not by the service's source now: a source changed from git to an image (or
 *  back) still rolls back to what its earlier deployments ran. */
export const builtBySpur = (imageTag: string) => imageTag.startsWith(`${SPUR_IMAGE_NAMESPACE}/`);
