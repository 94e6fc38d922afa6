// Project membership as stored: which users were added to which project. Who may see and change a
// project is decided in actions/access.ts, from this and the user's role.
import type { Db } from '../db/open.js';
import type { Project } from '../db/schema.js';

export async function isProjectMember(db: Db, projectId: number, userId: number): Promise<boolean> {
  return !!(await db.selectFrom('project_members').select('user_id').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst());
}

/** Every project, by name. */
export const listProjects = (db: Db): Promise<Project[]> => db.selectFrom('projects').selectAll().orderBy('name').execute();

/** The projects a user was added to, by name. */
export const listMemberProjects = (db: Db, userId: number): Promise<Project[]> =>
  db.selectFrom('projects').selectAll().orderBy('name').where('id', 'in', db.selectFrom('project_members').select('project_id').where('user_id', '=', userId)).execute();

export async function addProjectMember(db: Db, projectId: number, userId: number): Promise<void> {
  await db.insertInto('project_members').values({ project_id: projectId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function removeProjectMember(db: Db, projectId: number, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The members of a project, by email (owners see every project and are not listed). */
export const listProjectMembers = (db: Db, projectId: number) =>
  db.selectFrom('project_members').innerJoin('users', 'users.id', 'project_members.user_id').select(['users.email', 'users.role']).where('project_members.project_id', '=', projectId).orderBy('users.email').execute();
