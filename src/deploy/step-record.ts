// Records a deployment's steps as the pipeline passes them, and tells its followers.
import type { DeploymentStepName, DeploymentStepOutcome } from '../db/schema.js';
import { beginDeploymentStep, endDeploymentStep } from '../store/deployment-steps.js';
import type { PipelineDeps } from './steps.js';

export interface StepRecord {
  /** Ends the step that runs (done) and begins `name`, at `startedAt` if given. */
  begin(name: DeploymentStepName, startedAt?: string): Promise<void>;
  /** Ends the step that runs with `outcome`. */
  end(outcome: DeploymentStepOutcome): Promise<void>;
}

export function stepRecord(deps: Pick<PipelineDeps, 'db' | 'logBus'>, deploymentId: number): StepRecord {
  return {
    async begin(name, startedAt) {
      await beginDeploymentStep(deps.db, deploymentId, name, startedAt);
      deps.logBus.changed(deploymentId);
    },
    async end(outcome) {
      await endDeploymentStep(deps.db, deploymentId, outcome);
      deps.logBus.changed(deploymentId);
    },
  };
}
