// The Swarm service that runs Traefik v3 on the edge network. Pure spec.
import { join } from 'node:path';
import { EDGE_NETWORK, ownershipLabels } from '../docker/names.js';
import { TRAEFIK_DIR_IN_CONTAINER } from '../tls/traefik-dynamic.js';

export const TRAEFIK_SERVICE = 'spur-traefik';
/** Traefik's metrics entry point: published nowhere, read by Spur on docker_gwbridge (routing/traefik-metrics.ts). */
export const TRAEFIK_METRICS_PORT = 8082;
/** Says which of Spur's services is its Traefik (the name alone is not proof of ownership). */
export const ROLE_LABEL = 'spur.role';
export const traefikLabels = () => ({ ...ownershipLabels({}), [ROLE_LABEL]: 'traefik' });

/** Where Spur writes what Traefik's file provider reads (certificates, the challenge route). */
export const traefikDir = (dataDir: string) => join(dataDir, 'traefik');

export function traefikServiceSpec(opts: { image: string; traefikDir: string }) {
  return {
    Name: TRAEFIK_SERVICE,
    Labels: traefikLabels(),
    TaskTemplate: {
      ContainerSpec: {
        Image: opts.image,
        Args: [
          '--providers.swarm.endpoint=unix:///var/run/docker.sock',
          '--providers.swarm.exposedByDefault=false',
          `--providers.swarm.network=${EDGE_NETWORK}`,
          // The provider polls Swarm. Swarm takes a stopping task out of service, waits 2 s, and
          // only then signals it; polling every second drops the task from Traefik inside that
          // window, so no request is sent to a task that has been told to stop.
          '--providers.swarm.refreshSeconds=1',
          '--entrypoints.web.address=:80',
          '--entrypoints.websecure.address=:443',
          `--providers.file.directory=${TRAEFIK_DIR_IN_CONTAINER}/dynamic`,
          '--providers.file.watch=true',
          '--ping=true',
          // Each service's requests, codes and durations, for Spur's charts (src/metrics/traefik.ts),
          // routed by hand (tls/traefik-dynamic.ts): only this host may read them, not a task on
          // the edge network, which reaches the entry point too.
          '--metrics.prometheus=true',
          '--metrics.prometheus.entryPoint=metrics',
          '--metrics.prometheus.manualRouting=true',
          `--entrypoints.metrics.address=:${TRAEFIK_METRICS_PORT}`,
          '--metrics.prometheus.addServicesLabels=true',
          '--metrics.prometheus.buckets=0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10',
          '--log.level=INFO',
        ],
        Mounts: [
          { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock', ReadOnly: true },
          { Type: 'bind', Source: opts.traefikDir, Target: TRAEFIK_DIR_IN_CONTAINER, ReadOnly: true },
        ],
        Labels: ownershipLabels({}),
      },
      Placement: { Constraints: ['node.role == manager'] },
      Networks: [{ Target: EDGE_NETWORK }],
      RestartPolicy: { Condition: 'any' },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // Stop first: ports published in host mode are held by one task per node, so a second task
    // started first is never placed ("host-mode port already in use") and the update never ends.
    // A new Traefik that does not stay up is rolled back to the one that ran.
    UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'rollback', Monitor: 10_000_000_000 },
    RollbackConfig: { Parallelism: 1, Order: 'stop-first' },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 80, PublishMode: 'host' },
        { Protocol: 'tcp', TargetPort: 443, PublishedPort: 443, PublishMode: 'host' },
      ],
    },
  };
}
