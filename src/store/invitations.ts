// Invitations as stored: a project, an email, a role and the hash of the link's token. Using one
// is a single conditional UPDATE, so of any number of concurrent accepts exactly one wins; a used,
// revoked or expired invitation is never used again.
import type { Db } from '../db/open.js';
import type { Invitation, ProjectRole } from '../db/schema.js';
import { randomToken, sha256 } from '../secrets.js';
import { nowIso } from './time.js';

/** Stores a new invitation; the clear token is returned here once and never stored. */
export async function createInvitation(db: Db, i: { projectId: number; email: string; role: ProjectRole; invitedBy: { id: number; email: string }; expiresAt: string }): Promise<{ invitation: Invitation; token: string }> {
  const token = randomToken();
  const invitation = await db
    .insertInto('invitations')
    .values({ project_id: i.projectId, email: i.email, role: i.role, token_hash: sha256(token), invited_by: i.invitedBy.id, invited_by_email: i.invitedBy.email, created_at: nowIso(), expires_at: i.expiresAt, accepted_at: null, accepted_by: null, revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { invitation, token };
}

/** The invitation a token names, whatever became of it. */
export const findInvitationByToken = (db: Db, token: string): Promise<Invitation | undefined> => db.selectFrom('invitations').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();

/** A project's invitations not yet accepted, revoked or expired, newest first. */
export const listPendingInvitations = (db: Db, projectId: number): Promise<Invitation[]> =>
  db.selectFrom('invitations').selectAll().where('project_id', '=', projectId).where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', nowIso()).orderBy('id', 'desc').execute();

/** Marks one pending invitation of the project revoked; undefined when it has none such pending. */
export const revokeInvitation = (db: Db, projectId: number, id: number): Promise<Invitation | undefined> =>
  db.updateTable('invitations').set({ revoked_at: nowIso() }).where('id', '=', id).where('project_id', '=', projectId).where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', nowIso()).returningAll().executeTakeFirst();

/** Uses the invitation for `userId` if it is still pending, in one statement (the check and the
 *  use are one step): undefined when it was used, revoked or expired meanwhile. */
export const useInvitation = (db: Db, id: number, userId: number): Promise<Invitation | undefined> =>
  db.updateTable('invitations').set({ accepted_at: nowIso(), accepted_by: userId }).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', nowIso()).returningAll().executeTakeFirst();
