// A project's members: listed, added and removed by those who may manage members (access.ts). The
// refusal comes before the email is read at all, so it is the same for every email and tells
// nothing about which users exist.
import type { User } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { addProjectMember, listProjectMembers, removeProjectMember } from '../store/access.js';
import { getProjectFor, requireTo } from './access.js';
import { findUserByEmail } from '../store/users.js';
import * as validate from '../validate.js';
import { type Actor, type Body, projectObject } from './common.js';
import { audit } from './record.js';

/** An email that names no user (404 in the API, beside the field in the web form). */
export class NoSuchUser extends NotFound {}

/** Who is a member of the project, for an owner (as adding and removing, members are refused). */
export async function listMembers(deps: Deps, user: Actor, projectName: string): Promise<{ email: string; role: User['role'] }[]> {
  const project = await getProjectFor(deps.db, user, projectName);
  await requireTo(deps, user, 'members.manage', { object: projectObject(project) });
  return listProjectMembers(deps.db, project.id);
}

export async function removeMember(deps: Deps, user: Actor, projectName: string, email: string): Promise<void> {
  const project = await getProjectFor(deps.db, user, projectName);
  await requireTo(deps, user, 'members.manage', { object: projectObject(project) });
  const member = await findUserByEmail(deps.db, validate.email(email));
  if (!member || !(await removeProjectMember(deps.db, project.id, member.id))) throw new NotFound(`${email} is not a member of ${projectName}`);
  await audit(deps, user, 'members.remove', projectObject(project), { before: { member: member.email, role: member.role } });
}

/** Adds an existing user to a project the caller may see. */
export async function addMember(deps: Deps, user: Actor, projectName: string, body: Body): Promise<string> {
  const project = await getProjectFor(deps.db, user, projectName);
  await requireTo(deps, user, 'members.manage', { object: projectObject(project) });
  const { email } = validate.fields({ email: () => validate.email(body.email) });
  const member = await findUserByEmail(deps.db, email);
  if (!member) throw new NoSuchUser(`there is no user ${email}; add them on the Users page or with spur user add`);
  await addProjectMember(deps.db, project.id, member.id);
  await audit(deps, user, 'members.add', projectObject(project), { after: { member: member.email, role: member.role } });
  return member.email;
}
