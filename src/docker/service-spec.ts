// The Swarm service spec of one (service, environment) at one deployment. Pure: a plan that
// docker/swarm.ts applies.
import { EDGE_NETWORK, type InstanceRef, ownershipLabels, projectNetworkName, swarmServiceName } from './names.js';

export interface ServiceSpecInput extends InstanceRef {
  deploymentId: number;
  image: string;
  replicas: number;
  port: number;
  variables: Record<string, string>;
  routingLabels: Record<string, string>;
}

export interface SwarmServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: { Image: string; Env: string[]; Labels: Record<string, string> };
    RestartPolicy: { Condition: 'on-failure' | 'any' | 'none'; Delay: number; MaxAttempts: number };
    Networks: { Target: string; Aliases?: string[] }[];
    ForceUpdate: number;
  };
  Mode: { Replicated: { Replicas: number } };
  UpdateConfig: { Parallelism: number; Order: 'start-first' | 'stop-first'; FailureAction: 'pause' | 'continue' | 'rollback'; Monitor: number };
  EndpointSpec: { Mode: 'dnsrr' | 'vip' };
}

const SECOND = 1_000_000_000;

/** Variables the platform sets; they win over user variables of the same name. */
export function platformVariables(input: ServiceSpecInput): Record<string, string> {
  return {
    PORT: String(input.port),
    SPUR_PROJECT: input.project,
    SPUR_SERVICE: input.service,
    SPUR_ENVIRONMENT: input.environment,
    SPUR_DEPLOYMENT_ID: String(input.deploymentId),
  };
}

export function serviceSpec(input: ServiceSpecInput): SwarmServiceSpec {
  const labels = ownershipLabels({ ...input });
  const env = { ...input.variables, ...platformVariables(input) };
  return {
    Name: swarmServiceName(input),
    Labels: { ...labels, ...input.routingLabels },
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: labels,
      },
      RestartPolicy: { Condition: 'any', Delay: 2 * SECOND, MaxAttempts: 0 },
      Networks: [{ Target: projectNetworkName(input), Aliases: [input.service] }, { Target: EDGE_NETWORK }],
      ForceUpdate: input.deploymentId,
    },
    Mode: { Replicated: { Replicas: input.replicas } },
    UpdateConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'pause', Monitor: 5 * SECOND },
    // The routing mesh's virtual IPs need IPVS; DNS round-robin works on every kernel, and
    // Traefik's Swarm provider reads task addresses directly for it.
    EndpointSpec: { Mode: 'dnsrr' },
  };
}
