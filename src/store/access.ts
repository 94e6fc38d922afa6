// Project membership as stored: which users were added to which project, with which role there.
// Who may see and change a project is decided in actions/access.ts, from this and the user's role.
import type { Db } from '../db/open.js';
import { sql } from 'kysely';
import type { Project, ProjectRole } from '../db/schema.js';
import { recordEvent } from './events.js';
import { inTransaction, nowIso } from './time.js';

/** The user's role in the project, or undefined when they are not a member. */
export async function memberRole(db: Db, projectId: number, userId: number): Promise<ProjectRole | undefined> {
  return (await db.selectFrom('project_members').select('role').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst())?.role;
}

/** Every project, by name. */
export const listProjects = (db: Db): Promise<Project[]> => db.selectFrom('projects').selectAll().orderBy('name').execute();

/** The projects a user was added to, by name. */
export const listMemberProjects = (db: Db, userId: number): Promise<Project[]> =>
  db.selectFrom('projects').selectAll().orderBy('name').where('id', 'in', db.selectFrom('project_members').select('project_id').where('user_id', '=', userId)).execute();

/** Adds the user with this role (joining now), or gives an existing member this role; never
 *  the project's last admin another role (false then, and nothing changes). */
export function setProjectMember(db: Db, projectId: number, userId: number, role: ProjectRole): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const had = await memberRole(tx, projectId, userId);
    const result = await sql`INSERT INTO project_members (project_id, user_id, role, created_at) VALUES (${projectId}, ${userId}, ${role}, ${nowIso()})
      ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role
      WHERE project_members.role != 'admin' OR excluded.role = 'admin' OR ${otherAdmins(projectId)} > 0`.execute(tx);
    if (!had) await recordMemberAdded(tx, projectId, userId, role);
    return Number(result.numAffectedRows ?? 0) > 0;
  });
}

async function recordMemberAdded(tx: Db, projectId: number, userId: number, role: ProjectRole): Promise<void> {
  const user = await tx.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  await recordEvent(tx, projectId, 'member.added', { email: user?.email ?? null, role });
}

/** How many admins the project has besides the row at hand (in a statement on project_members). */
const otherAdmins = (projectId: number) => sql`(SELECT COUNT(*) FROM project_members AS other WHERE other.project_id = ${projectId} AND other.role = 'admin' AND other.user_id != project_members.user_id)`;

/** Removes a member, in one statement that keeps the project's last admin: 'last-admin' then. */
export async function removeProjectMember(db: Db, projectId: number, userId: number): Promise<'removed' | 'not-member' | 'last-admin'> {
  const result = await sql`DELETE FROM project_members WHERE project_id = ${projectId} AND user_id = ${userId}
    AND (role != 'admin' OR ${otherAdmins(projectId)} > 0)`.execute(db);
  if (Number(result.numAffectedRows ?? 0) > 0) return 'removed';
  return (await memberRole(db, projectId, userId)) ? 'last-admin' : 'not-member';
}

export interface MemberRow {
  email: string;
  role: ProjectRole;
  /** When they joined; null for members from before invitations. */
  since: string | null;
  /** Their last signed-in page or API call, anywhere in Spur. */
  lastSeenAt: string | null;
}

/** The members of a project, by email, with their role there (owners see every project and are not listed). */
export const listProjectMembers = (db: Db, projectId: number): Promise<MemberRow[]> =>
  db
    .selectFrom('project_members')
    .innerJoin('users', 'users.id', 'project_members.user_id')
    .select(['users.email', 'project_members.role', 'project_members.created_at as since', 'users.last_seen_at as lastSeenAt'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('users.email')
    .execute();

/** Adds the user to the project unless they are a member already (whose role then stays).
 *  Without a role given, a developer: the least a member was before roles existed. */
export async function addProjectMember(db: Db, projectId: number, userId: number, role: ProjectRole = 'developer'): Promise<void> {
  await db.insertInto('project_members').values({ project_id: projectId, user_id: userId, role, created_at: nowIso() }).onConflict((oc) => oc.doNothing()).execute();
}
