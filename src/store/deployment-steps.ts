// The steps of a deployment as the pipeline passes them: one row per step that happened, in order.
import type { Db } from '../db/open.js';
import type { DeploymentStep, DeploymentStepName, DeploymentStepOutcome } from '../db/schema.js';
import { nowIso } from './time.js';

/** Ends the step that runs (as done) and begins `name`, in one transaction. */
export async function beginDeploymentStep(db: Db, deploymentId: number, name: DeploymentStepName, startedAt = nowIso()): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('deployment_steps').set({ finished_at: startedAt, outcome: 'done' }).where('deployment_id', '=', deploymentId).where('finished_at', 'is', null).execute();
    await tx.insertInto('deployment_steps').values({ deployment_id: deploymentId, name, started_at: startedAt, finished_at: null, outcome: null }).execute();
  });
}

/** Ends the step that runs, if one does, with `outcome`. */
export async function endDeploymentStep(db: Db, deploymentId: number, outcome: DeploymentStepOutcome): Promise<void> {
  await db.updateTable('deployment_steps').set({ finished_at: nowIso(), outcome }).where('deployment_id', '=', deploymentId).where('finished_at', 'is', null).execute();
}

export const listDeploymentSteps = (db: Db, deploymentId: number): Promise<DeploymentStep[]> =>
  db.selectFrom('deployment_steps').selectAll().where('deployment_id', '=', deploymentId).orderBy('id').execute();
