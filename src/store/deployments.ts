// Deployment records and their build logs. Every status change is one transaction that checks
// the transition is allowed, so concurrent writers cannot move a record backwards.
import type { Db } from '../db/open.js';
import type { Deployment, DeploymentStatus } from '../db/schema.js';
import { canTransition } from './deployment-status.js';
import { Conflict, NotFound } from '../errors.js';
import { recordDeploymentEvent } from './events.js';
import { nowIso } from './time.js';

/** How a deployment came to be asked for: the trigger's words, and the user who asked (none for a webhook). */
export interface Requester {
  trigger: string;
  requestedBy?: number;
}

export interface DeploymentRequest extends Requester {
  serviceId: number;
  environmentId: number;
  /** For a rollback: the earlier deployment whose image runs again. */
  source?: Deployment;
  /** For a promotion: another environment's deployment whose image runs here. */
  promotedFrom?: Deployment;
  /** Build exactly this commit (a push). */
  commit?: string;
  /** The commit was pushed to Spur: it is read from the service's repository through these git
   *  object directories (the push's quarantine while its hook waits). */
  pushedObjects?: Record<string, string>;
}

/** Queues a deployment; any still queued for the same instance are superseded by it (one
 *  transaction). Returns the new record and the ids it superseded. */
export async function queueDeployment(db: Db, input: DeploymentRequest): Promise<{ deployment: Deployment; superseded: number[] }> {
  return db.transaction().execute(async (tx) => {
    const stale = await tx
      .updateTable('deployments')
      .set({ status: 'superseded', finished_at: nowIso(), failure_reason: 'a newer deployment was requested' })
      .where('service_id', '=', input.serviceId)
      .where('environment_id', '=', input.environmentId)
      .where('status', '=', 'queued')
      .returning('id')
      .execute();
    const deployment = await tx
      .insertInto('deployments')
      .values({
        service_id: input.serviceId,
        environment_id: input.environmentId,
        status: 'queued',
        trigger: input.trigger,
        requested_by: input.requestedBy ?? null,
        created_at: nowIso(),
        commit_sha: (input.source ?? input.promotedFrom)?.commit_sha ?? input.commit ?? null,
        commit_message: (input.source ?? input.promotedFrom)?.commit_message ?? null,
        image_tag: null,
        failure_reason: null,
        started_at: null,
        finished_at: null,
        source_deployment_id: input.source?.id ?? null,
        pushed_objects: input.pushedObjects ? JSON.stringify(input.pushedObjects) : null,
        promoted_from_id: input.promotedFrom?.id ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordDeploymentEvent(tx, input.source ? 'deployment.rollback' : 'deployment.queued', deployment);
    return { deployment, superseded: stale.map((r) => r.id) };
  });
}

/** Deployments that served once and whose image can run again, newest first. */
export const listRollbackTargets = (db: Db, scope: { serviceId: number; environmentId: number }) =>
  db
    .selectFrom('deployments')
    .selectAll()
    .where('service_id', '=', scope.serviceId)
    .where('environment_id', '=', scope.environmentId)
    .where('status', 'in', ['active', 'superseded'])
    .where('image_tag', 'is not', null)
    .orderBy('id', 'desc')
    .execute();

export async function getDeployment(db: Db, id: number): Promise<Deployment> {
  const d = await db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!d) throw new NotFound(`deployment ${id} not found`);
  return d;
}

type Fields = Partial<Pick<Deployment, 'commit_sha' | 'commit_message' | 'image_tag' | 'failure_reason'>>;

/** Moves a deployment to `to`, recording fields; becoming active supersedes the previous active one. */
export async function transitionDeployment(db: Db, id: number, to: DeploymentStatus, fields: Fields = {}): Promise<Deployment> {
  return db.transaction().execute(async (tx) => {
    const current = await getDeployment(tx, id);
    if (!canTransition(current.status, to)) throw new Conflict(`deployment ${id} cannot go from ${current.status} to ${to}`);
    const now = nowIso();
    const timing = to === 'building' || (to === 'deploying' && !current.started_at) ? { started_at: now } : {};
    const finished = ['active', 'failed', 'cancelled', 'superseded'].includes(to) ? { finished_at: now } : {};
    if (to === 'active') {
      await tx
        .updateTable('deployments')
        .set({ status: 'superseded' })
        .where('service_id', '=', current.service_id)
        .where('environment_id', '=', current.environment_id)
        .where('status', '=', 'active')
        .execute();
    }
    const moved = await tx.updateTable('deployments').set({ status: to, ...fields, ...timing, ...finished }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    if (to === 'active' || to === 'failed') await recordDeploymentEvent(tx, to === 'active' ? 'deployment.active' : 'deployment.failed', moved);
    return moved;
  });
}

export const listDeployments = (db: Db, scope: { serviceId: number; environmentId: number }, limit = 50) =>
  db.selectFrom('deployments').selectAll().where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).orderBy('id', 'desc').limit(limit).execute();

/** Whether settings or variables changed after the newest deployment that will run with what is
 *  saved (queued, building, deploying or active) was requested; false when nothing was deployed. */
export async function hasPendingChanges(db: Db, scope: { serviceId: number; environmentId: number }, changedAt: string | null): Promise<boolean> {
  if (!changedAt) return false;
  const newest = await db
    .selectFrom('deployments')
    .select('created_at')
    .where('service_id', '=', scope.serviceId)
    .where('environment_id', '=', scope.environmentId)
    .where('status', 'in', ['queued', 'building', 'deploying', 'active'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return !!newest && changedAt > newest.created_at;
}

/** What pages that show many services read of a deployment: not its sealed variables or build plan. */
const SUMMARY_COLUMNS = ['id', 'service_id', 'environment_id', 'status', 'failure_reason', 'commit_sha', 'image_tag', 'created_at'] as const;
export type DeploymentSummary = Pick<Deployment, (typeof SUMMARY_COLUMNS)[number]>;

/** For every instance in these environments: its latest deployment and the one that serves (two
 *  queries, for pages that show many services). Keyed `serviceId:environmentId`. */
export async function deploymentsByInstance(db: Db, environmentIds: number[]): Promise<Map<string, { latest?: DeploymentSummary; active?: DeploymentSummary }>> {
  const byInstance = new Map<string, { latest?: DeploymentSummary; active?: DeploymentSummary }>();
  if (environmentIds.length === 0) return byInstance;
  const entry = (d: DeploymentSummary) => {
    const key = `${d.service_id}:${d.environment_id}`;
    if (!byInstance.has(key)) byInstance.set(key, {});
    return byInstance.get(key)!;
  };
  const newest = db.selectFrom('deployments').select((eb) => eb.fn.max('id').as('id')).where('environment_id', 'in', environmentIds).groupBy(['service_id', 'environment_id']);
  for (const d of await db.selectFrom('deployments').select(SUMMARY_COLUMNS).where('id', 'in', newest).execute()) entry(d).latest = d;
  for (const d of await db.selectFrom('deployments').select(SUMMARY_COLUMNS).where('environment_id', 'in', environmentIds).where('status', '=', 'active').orderBy('id').execute()) entry(d).active = d;
  return byInstance;
}

export const findActiveDeployment = (db: Db, scope: { serviceId: number; environmentId: number }) =>
  db.selectFrom('deployments').selectAll().where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).where('status', '=', 'active').executeTakeFirst();

/** The latest deployment of one commit in one (service, environment). */
export const findLastDeploymentOfCommit = (db: Db, scope: { serviceId: number; environmentId: number }, sha: string) =>
  db.selectFrom('deployments').selectAll().where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).where('commit_sha', '=', sha).orderBy('id', 'desc').executeTakeFirst();

export const listDeploymentsInStatus = (db: Db, statuses: DeploymentStatus[]) =>
  db.selectFrom('deployments').selectAll().where('status', 'in', statuses).orderBy('id').execute();

/** Stores one build-log line; returns its id, by which followers resume. */
export async function appendDeploymentLog(db: Db, deploymentId: number, line: string): Promise<{ id: number; at: string }> {
  const at = nowIso();
  const row = await db.insertInto('deployment_logs').values({ deployment_id: deploymentId, line, created_at: at }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, at };
}

export async function recordDeploymentVariables(db: Db, id: number, sealed: string): Promise<void> {
  await db.updateTable('deployments').set({ variables_sealed: sealed }).where('id', '=', id).execute();
}

/** Cuts the middle of a long log: the first line after the `head` kept lines becomes `marker`
 *  (or is the marker already), and the `count` lines after it are deleted. */
export async function cutDeploymentLog(db: Db, deploymentId: number, opts: { head: number; count: number; marker: string }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const rows = await tx.selectFrom('deployment_logs').select('id').where('deployment_id', '=', deploymentId).orderBy('id').limit(opts.count + 1).offset(opts.head).execute();
    const [marker, ...gone] = rows;
    if (!marker) return;
    await tx.updateTable('deployment_logs').set({ line: opts.marker }).where('id', '=', marker.id).execute();
    if (gone.length) await tx.deleteFrom('deployment_logs').where('deployment_id', '=', deploymentId).where('id', '>', marker.id).where('id', '<=', gone[gone.length - 1].id).execute();
  });
}

export async function readDeploymentLog(db: Db, deploymentId: number, afterId = 0): Promise<{ id: number; line: string; at: string }[]> {
  return db.selectFrom('deployment_logs').select(['id', 'line', 'created_at as at']).where('deployment_id', '=', deploymentId).where('id', '>', afterId).orderBy('id').execute();
}

/** Records what a deployment is built from, once known (no status change). */
export async function recordDeploymentSource(db: Db, id: number, fields: { commit_sha: string; commit_message: string }): Promise<void> {
  await db.updateTable('deployments').set(fields).where('id', '=', id).execute();
}

/** The Dockerfile Spur wrote for the deployment (see build/plan.ts), kept to be shown. */
export async function recordBuildPlan(db: Db, id: number, plan: { stack: string; reasons: string[]; dockerfile: string }): Promise<void> {
  await db.updateTable('deployments').set({ build_plan: JSON.stringify({ stack: plan.stack, reasons: plan.reasons, dockerfile: plan.dockerfile }) }).where('id', '=', id).execute();
}

/** An instance's deployments asked for since `fromIso`, the newest 500 at most, oldest first: a chart's markers. */
export const deploymentsSince = async (db: Db, scope: { serviceId: number; environmentId: number }, fromIso: string) =>
  (await db.selectFrom('deployments').select(['id', 'status', 'created_at']).where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).where('created_at', '>=', fromIso).orderBy('id', 'desc').limit(500).execute()).reverse();
