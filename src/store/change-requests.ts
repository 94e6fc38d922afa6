// Change requests: what a protected environment holds back until an admin decides (see
// actions/requests.ts). A decision claims a pending request in one statement, so two admins who
// approve at once cannot both run it.
import type { Db } from '../db/open.js';
import type { ChangeRequest, ChangeRequestTable, RequestStatus } from '../db/schema.js';
import type { Insertable } from 'kysely';
import { nowIso } from './time.js';

export async function createChangeRequest(db: Db, values: Omit<Insertable<ChangeRequestTable>, 'status'>): Promise<ChangeRequest> {
  return db.insertInto('change_requests').values(values).returningAll().executeTakeFirstOrThrow();
}

/** A project's requests, newest first. */
export const listChangeRequests = (db: Db, projectId: number, limit = 100) =>
  db.selectFrom('change_requests').selectAll().where('project_id', '=', projectId).orderBy('id', 'desc').limit(limit).execute();

/** A request by id, within its project only (another project's id is not found). */
export const findChangeRequest = (db: Db, projectId: number, id: number) =>
  db.selectFrom('change_requests').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();

/** Decides a pending, unexpired request: answers it as decided, or undefined when it was not
 *  pending any more (another decision came first) or had expired. */
export const claimChangeRequest = (db: Db, id: number, decision: { status: Exclude<RequestStatus, 'pending' | 'expired'>; by: number | null; reason?: string | null }) =>
  db
    .updateTable('change_requests')
    .set({ status: decision.status, decided_by: decision.by, decided_at: nowIso(), reason: decision.reason ?? null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', nowIso())
    .returningAll()
    .executeTakeFirst();

/** An approved request whose run could not start goes back to waiting. */
export const reopenChangeRequest = (db: Db, id: number) =>
  db.updateTable('change_requests').set({ status: 'pending', decided_by: null, decided_at: null }).where('id', '=', id).where('status', '=', 'approved').execute();

export const setRequestDeployment = (db: Db, id: number, deploymentId: number) => db.updateTable('change_requests').set({ deployment_id: deploymentId }).where('id', '=', id).execute();

/** Marks every pending request past its time as expired; answers those it marked. */
export const expireChangeRequests = (db: Db, now = nowIso()) =>
  db.updateTable('change_requests').set({ status: 'expired', decided_at: now }).where('status', '=', 'pending').where('expires_at', '<=', now).returningAll().execute();

/** Protects (or unprotects) an environment. */
export const setEnvironmentProtected = (db: Db, environmentId: number, on: boolean) => db.updateTable('environments').set({ protected: on ? 1 : 0 }).where('id', '=', environmentId).execute();
