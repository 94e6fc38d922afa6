// Project membership as stored: which users were added to which project, with which role there.
// Who may see and change a project is decided in actions/access.ts, from this and the user's role.
import type { Db } from '../db/open.js';
import type { Project, ProjectRole } from '../db/schema.js';

/** The user's role in the project, or undefined when they are not a member. */
export async function memberRole(db: Db, projectId: number, userId: number): Promise<ProjectRole | undefined> {
  return (await db.selectFrom('project_members').select('role').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst())?.role;
}

/** Every project, by name. */
export const listProjects = (db: Db): Promise<Project[]> => db.selectFrom('projects').selectAll().orderBy('name').execute();

/** The projects a user was added to, by name. */
export const listMemberProjects = (db: Db, userId: number): Promise<Project[]> =>
  db.selectFrom('projects').selectAll().orderBy('name').where('id', 'in', db.selectFrom('project_members').select('project_id').where('user_id', '=', userId)).execute();

/** Adds the user with this role, or gives an existing member this role. */
export async function setProjectMember(db: Db, projectId: number, userId: number, role: ProjectRole): Promise<void> {
  await db.insertInto('project_members').values({ project_id: projectId, user_id: userId, role }).onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role })).execute();
}

export async function removeProjectMember(db: Db, projectId: number, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The members of a project, by email, with their role there (owners see every project and are not listed). */
export const listProjectMembers = (db: Db, projectId: number): Promise<{ email: string; role: ProjectRole }[]> =>
  db.selectFrom('project_members').innerJoin('users', 'users.id', 'project_members.user_id').select(['users.email', 'project_members.role']).where('project_members.project_id', '=', projectId).orderBy('users.email').execute();

/** Adds the user to the project unless they are a member already (whose role then stays).
 *  Without a role given, a developer: the least a member was before roles existed. */
export async function addProjectMember(db: Db, projectId: number, userId: number, role: ProjectRole = 'developer'): Promise<void> {
  await db.insertInto('project_members').values({ project_id: projectId, user_id: userId, role }).onConflict((oc) => oc.doNothing()).execute();
}
