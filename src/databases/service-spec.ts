// The Swarm service of one database: pure. One replica on the node that holds its named volume,
// updated stop-first (two servers must never open the same data), reachable by its name on the
// project network only.
import { INSTALL_LABEL, ownershipLabels, projectNetworkName, swarmServiceName } from '../docker/names.js';
import { SECOND, type SwarmServiceSpec, type UpdatePolicy } from '../docker/service-spec.js';
import type { Credentials } from '../store/databases.js';
import type { DatabaseEngine } from './engine.js';

export const DATABASE_LABEL = 'spur.database';
/** On the throwaway servers that verify a backup or load one into a stopped database. */
export const VERIFY_LABEL = 'spur.verify-backup';
/** Memory a database may use unless told otherwise. */
export const DEFAULT_MEMORY_LIMIT_MB = 1024;

export interface DatabaseRef {
  project: string;
  environment: string;
  /** The database's name: its host name on the project network. */
  name: string;
}

export const databaseServiceName = (r: DatabaseRef) => swarmServiceName({ project: r.project, service: r.name, environment: r.environment });
/** The named volume that holds the data, named once when the database is created; it outlives
 *  the service. The random part makes it that database's alone: one made later with the same
 *  project, environment and name never opens a deleted one's kept data. */
export const databaseVolumeName = (r: DatabaseRef, nonce: string) => `${databaseServiceName(r)}_data_${nonce}`;

export interface DatabaseSpecInput extends DatabaseRef {
  /** The Docker volume recorded when it was created. */
  volume: string;
  engine: DatabaseEngine;
  image: string;
  credentials: Credentials;
  installId: string;
  /** The Swarm node the volume lives on. */
  nodeId: string;
  memoryLimitMb?: number;
}

export function databaseServiceSpec(input: DatabaseSpecInput): SwarmServiceSpec {
  const labels = { ...ownershipLabels({ project: input.project, environment: input.environment }), [DATABASE_LABEL]: input.name };
  const env = input.engine.environment(input.credentials);
  const args = input.engine.args?.(input.credentials);
  const update: UpdatePolicy = { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause', Monitor: 5 * SECOND, MaxFailureRatio: 0 };
  return {
    Name: databaseServiceName(input),
    Labels: { ...labels, [INSTALL_LABEL]: input.installId },
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        ...(args ? { Args: args } : {}),
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: labels,
        HealthCheck: { Test: input.engine.health(input.credentials), Interval: 5 * SECOND, Timeout: 5 * SECOND, Retries: 5, StartPeriod: 120 * SECOND },
        Mounts: [{ Type: 'volume', Source: input.volume, Target: input.engine.dataPath, ReadOnly: false, VolumeOptions: { Labels: labels } }],
        // A database flushes and closes its files when stopped: give it time.
        StopGracePeriod: 60 * SECOND,
      },
      Resources: { Limits: { MemoryBytes: (input.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB) * 1024 * 1024 }, Reservations: {} },
      RestartPolicy: { Condition: 'any', Delay: 5 * SECOND, MaxAttempts: 0 },
      Networks: [{ Target: projectNetworkName(input), Aliases: [input.name] }],
      Placement: { Constraints: [`node.id==${input.nodeId}`] },
      ForceUpdate: 0,
    },
    Mode: { Replicated: { Replicas: 1 } },
    UpdateConfig: update,
    RollbackConfig: update,
    EndpointSpec: { Mode: 'dnsrr' },
  };
}
