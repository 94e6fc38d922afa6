// The one-off container of a pre-deploy command: the new image, the given words as its command,
// the service's variables and its project network (no alias: nothing routes to it), its volumes,
// its resource limits. Pure: deploy/release.ts runs it.
import { INSTALL_LABEL, type InstanceRef, ownershipLabels, projectNetworkName, swarmServiceName } from './names.js';
import { type ResourcePlan, platformVariables, serviceVolumeName } from './service-spec.js';

/** Marks a pre-deploy container with its deployment: one left by a crash is removed at start. */
export const RELEASE_LABEL = 'spur.release';

export interface ReleaseInput extends InstanceRef {
  deploymentId: number;
  image: string;
  command: string[];
  port: number;
  variables: Record<string, string>;
  resources: ResourcePlan;
  volumes: { name: string; mountPath: string }[];
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
      Mounts: input.volumes.map((v) => ({ Type: 'volume' as const, Source: serviceVolumeName(input, v.name), Target: v.mountPath, ReadOnly: false })),
      ...(input.resources.memoryLimitMb ? { Memory: input.resources.memoryLimitMb * 1024 * 1024 } : {}),
      ...(input.resources.cpuLimit ? { NanoCpus: Math.round(input.resources.cpuLimit * 1e9) } : {}),
    },
  };
}
