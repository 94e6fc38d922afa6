// The one-off containers Spur runs from a service's image beside its tasks: a pre-deploy command,
// `spur run`, a scheduled job's run. Each gets the given words as its command, the service's
// variables and its project network (no alias: nothing routes to it), its volumes and its
// resource limits. Pure: deploy/release.ts and docker/one-off.ts run them.
import { INSTALL_LABEL, type InstanceRef, ownershipLabels, projectNetworkName, swarmServiceName } from './names.js';
import { type ResourcePlan, platformVariables } from './service-spec.js';

/** Marks a pre-deploy container with its deployment: one left by a crash is removed at start. */
export const RELEASE_LABEL = 'spur.release';
/** Marks every other one-off container with what it is for (`run`, `job`); removed at start too. */
export const ONE_OFF_LABEL = 'spur.one-off';

export interface OneOffInput extends InstanceRef {
  /** The deployment whose image it runs (SPUR_DEPLOYMENT_ID). */
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

export type ReleaseInput = OneOffInput;

export const releaseContainerName = (input: InstanceRef & { deploymentId: number }) => `${swarmServiceName(input)}-release-${input.deploymentId}`;

export const releaseContainerSpec = (input: ReleaseInput) => oneOffContainerSpec(input, { name: releaseContainerName(input), labels: { [RELEASE_LABEL]: String(input.deploymentId) } });

/** A `spur run` or a console (`id` random), or a job's run (`id` its run's number). */
export const oneOffContainerName = (input: InstanceRef, purpose: 'run' | 'job' | 'console', id: string) => `${swarmServiceName(input)}-${purpose}-${id}`;

export function oneOffContainerSpec(input: OneOffInput, as: { name: string; labels: Record<string, string> }) {
  const env = { ...input.variables, ...platformVariables(input) };
  return {
    name: as.name,
    Image: input.image,
    Cmd: input.command,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...ownershipLabels(input), [INSTALL_LABEL]: input.installId, ...as.labels },
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
