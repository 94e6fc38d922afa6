// Who may see and change a project: instance owners everything, members their projects.
import type { Db } from '../db/open.js';
import type { Project, User } from '../db/schema.js';
import { NotFound } from '../errors.js';
import { findProject } from './projects.js';

export async function canAccessProject(db: Db, user: Pick<User, 'id' | 'role'>, projectId: number): Promise<boolean> {
  if (user.role === 'owner') return true;
  return !!(await db.selectFrom('project_members').select('user_id').where('project_id', '=', projectId).where('user_id', '=', user.id).executeTakeFirst());
}

/** The project, if this user may see it; otherwise "not found", so names of others' projects do not leak. */
export async function getProjectFor(db: Db, user: Pick<User, 'id' | 'role'>, name: string): Promise<Project> {
  const project = await findProject(db, name);
  if (!project || !(await canAccessProject(db, user, project.id))) throw new NotFound(`project ${name} not found`);
  return project;
}

export async function listProjectsFor(db: Db, user: Pick<User, 'id' | 'role'>): Promise<Project[]> {
  const all = db.selectFrom('projects').selectAll().orderBy('name');
  if (user.role === 'owner') return all.execute();
  return all.where('id', 'in', db.selectFrom('project_members').select('project_id').where('user_id', '=', user.id)).execute();
}

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
