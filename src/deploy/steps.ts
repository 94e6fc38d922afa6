// What a deployment's steps share: the pipeline's dependencies, and the means to report.
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { DeploymentStatus, DeploymentStepName } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import type { Log } from '../log.js';
import type { NodeFleet } from '../nodes/fleet.js';
import type { SteeringBoard } from './gradual.js';
import type { BuildSlots } from '../builds/build-slots.js';
import type { DeploymentLogBus } from './log-bus.js';
import type { Phase } from './phase-clock.js';

export interface PipelineDeps {
  config: Pick<Config, 'dataDir' | 'baseDomain' | 'gitCaFile' | 'gitAllowPrivate' | 'keepImages' | 'buildTimeoutS' | 'buildImages' | 'buildMemoryMb' | 'buildCpus' | 'buildCacheMb'>;
  db: Db;
  docker: DockerClient;
  log: Log;
  key: Buffer;
  logBus: DeploymentLogBus;
  /** Host path of the static health probe mounted into tasks. */
  probePath: string;
  installId: string;
  /** Program git runs to ask for an HTTPS token (the Spur bundle, in askpass mode). */
  askpassPath: string;
  /** The other servers: each gets the image before a rollout that may place tasks on it; one
   *  may be the build server. */
  servers?: Pick<NodeFleet, 'shipForDeploy' | 'ensureProbe' | 'builder' | 'copyToManager' | 'reachable'>;
  /** Builds at once per server (SPUR_BUILD_CONCURRENCY). */
  buildSlots: BuildSlots;
  /** The hands on canary and blue-green releases under way (the deployer's). */
  steering?: SteeringBoard;
}

export type Say = (line: string) => Promise<void>;

export interface Steps {
  /** The deployment's variables, references resolved; the build gets the ones marked for it. */
  variables: Record<string, string>;
  say: Say;
  setStatus: (to: DeploymentStatus) => Promise<void>;
  /** Ends the step that runs and begins the next (see step-record.ts). */
  step: (name: DeploymentStepName) => Promise<void>;
  /** Times what follows as `name` (see phase-clock.ts). */
  phase: (name: Phase) => void;
  signal: AbortSignal;
  checkCancelled: () => void;
}
