// The one-off container of a pre-deploy command: the new image, the given words as its command,
// the service's variables and its project network (no alias: nothing routes to it), its volumes,
// its resource limits. Pure: deploy/release.ts runs it.
import { INSTALL_LABEL, type InstanceRef, ownershipLabels, projectNetworkName, swarmServiceName } from './names.js';
import { type ResourcePlan, platformVariables } from './service-spec.js';

/** Marks a pre-deploy container with its deployment: one left by a crash is removed at start. */
export const RELEASE_LABEL = 'spur.release';

export interface ReleaseInput extends InstanceRef {
  deploymentId: number;
  image: string;
  command: string[];
  port: number;
  variables: Record<string, string>;
  resources: ResourcePlan;
  /** `source`: the Docker volume recorded when the volume was added. */
  volumes: { source: string; mountPath: string }[];
  installId: string;
}

export const releaseContainerName = (input: InstanceRef & { deploymentId: number }) => `${swarmServiceName(input)}-release-${input.deploymentId}`;

export function releaseContainerSpec(input: ReleaseInput) {
  const env = { ...input.variables, ...platformVariables(input) };
  return {
    name: releaseContainerName(input),
    Image: input.image,
    Cmd: input.command,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...ownershipLabels(input), [INSTALL_LABEL]: input.installId, [RELEASE_LABEL]: String(input.deploymentId) },
    HostConfig: {
      NetworkMode: projectNetworkName(input),
      // Labelled as the service's own mounts are: the command may be the first to make the volume
      // (an empty driver name is Docker's default driver, as the service's mounts get).
      Mounts: input.volumes.map((v) => ({ Type: 'volume' as const, Source: v.source, Target: v.mountPath, ReadOnly: false, VolumeOptions: { NoCopy: false, Labels: ownershipLabels({ project: input.project, service: input.service, environment: input.environment }), DriverConfig: { Name: '', Options: {} } } })),
      ...(input.resources.memoryLimitMb ? { Memory: input.resources.memoryLimitMb * 1024 * 1024 } : {}),
      ...(input.resources.cpuLimit ? { NanoCpus: Math.round(input.resources.cpuLimit * 1e9) } : {}),
    },
  };
}
