// What a one-off command (`spur run`, a scheduled job's run) runs as: the image that serves the
// instance now, with the variables that version runs with, its volumes and its limits, on the
// manager beside its tasks. Refused, saying why, when nothing serves yet.
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { imageExists } from '../docker/images.js';
import { swarmServiceName } from '../docker/names.js';
import type { OneOffInput } from '../docker/one-off-spec.js';
import { findService } from '../docker/swarm.js';
import { Conflict } from '../errors.js';
import { pinnedNodeId } from '../nodes/placement.js';
import { unseal } from '../secrets.js';
import { findActiveDeployment } from '../store/deployments.js';
import type { InstanceContext } from '../store/services.js';
import { listVolumes } from '../store/volumes.js';
import { resourcePlan } from './instance-plan.js';
import { builtBySpur } from './rollback-target.js';

export async function servingOneOff(deps: { db: Db; docker: DockerClient; key: Buffer; installId: string }, ctx: InstanceContext, command: string[]): Promise<OneOffInput> {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  const serving = await findActiveDeployment(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  if (!serving?.image_tag || !serving.variables_sealed) throw new Conflict(`nothing serves ${ref.service} in ${ref.environment} yet: deploy it first`);
  if (builtBySpur(serving.image_tag) && !(await imageExists(deps.docker, serving.image_tag))) throw new Conflict(`the image of deployment ${serving.id} is not on this server any more: deploy ${ref.service} again`);
  const volumes = await listVolumes(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  if (volumes.length) {
    const managerId = (await deps.docker.info()).Swarm.NodeID as string;
    const existing = await findService(deps.docker, swarmServiceName(ref));
    const pinned = pinnedNodeId(existing?.Spec.TaskTemplate.Placement?.Constraints);
    if (pinned && pinned !== managerId) throw new Conflict(`${ref.service}'s volumes are on another server, and commands run on the manager: keep the service on the manager to run commands with its volumes`);
  }
  return {
    ...ref,
    deploymentId: serving.id,
    image: serving.image_tag,
    command,
    port: ctx.instance.port,
    variables: JSON.parse(unseal(deps.key, serving.variables_sealed)) as Record<string, string>,
    resources: resourcePlan(ctx.instance),
    volumes: volumes.map((v) => ({ source: v.docker_name, mountPath: v.mount_path })),
    installId: deps.installId,
  };
}
