// A project's members: listed, added, given a role and removed by those who may manage members
// (access.ts). The refusal comes before the email is read at all, so it is the same for every
// email and tells nothing about which users exist. Nobody gives a role above their own.
import type { ProjectRole } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors.js';
import { type MemberRow, listProjectMembers, memberRole, removeProjectMember, setProjectMember } from '../store/access.js';
import { PROJECT_ROLES, mayGive, openProject } from './access.js';
import { findUserByEmail } from '../store/users.js';
import * as validate from '../validate.js';
import { type Actor, type Body, projectObject } from './common.js';
import { audit } from './record.js';

/** An email that names no user (404 in the API, beside the field in the web form). */
export class NoSuchUser extends NotFound {}

/** A role as a form or the API names it; a new member without one is a developer. */
export function parseRole(raw: unknown): ProjectRole {
  if (raw === undefined || raw === null || raw === '') return 'developer';
  if (typeof raw === 'string' && (PROJECT_ROLES as readonly string[]).includes(raw)) return raw as ProjectRole;
  throw new InvalidInput('role', `must be one of ${PROJECT_ROLES.join(', ')}`);
}

/** Who is a member of the project, with their role there, since when and when last seen (for those who may manage members). */
export async function listMembers(deps: Deps, user: Actor, projectName: string): Promise<MemberRow[]> {
  const { project } = await openProject(deps.db, user, projectName, 'members.manage');
  return listProjectMembers(deps.db, project.id);
}

/** What the last admin is told: a project keeps at least one admin (owners aside). */
const lastAdmin = (email: string, project: string, what: string) => new Conflict(`${email} is the last admin of ${project}; make another member an admin before ${what}`);

export async function removeMember(deps: Deps, user: Actor, projectName: string, email: string): Promise<void> {
  const { project, acting } = await openProject(deps.db, user, projectName, 'members.manage');
  const member = await findUserByEmail(deps.db, validate.email(email));
  const role = member && (await memberRole(deps.db, project.id, member.id));
  const removed = member ? await removeProjectMember(deps.db, project.id, member.id) : 'not-member';
  if (removed === 'not-member') throw new NotFound(`${email} is not a member of ${projectName}`);
  if (removed === 'last-admin') throw lastAdmin(member!.email, projectName, 'removing them');
  await audit(deps, acting, 'members.remove', projectObject(project), { before: { member: member!.email, role } });
}

/** The user leaves the project (any member may; never its last admin). */
export async function leaveProject(deps: Deps, user: Actor, projectName: string): Promise<void> {
  const { project, acting } = await openProject(deps.db, user, projectName, 'project.leave');
  const role = await memberRole(deps.db, project.id, user.id);
  const removed = await removeProjectMember(deps.db, project.id, user.id);
  if (removed === 'not-member') throw new Conflict(`you are not a member of ${projectName}: an owner sees every project`);
  if (removed === 'last-admin') throw new Conflict(`you are the last admin of ${projectName}; make another member an admin before leaving`);
  await audit(deps, acting, 'members.leave', projectObject(project), { before: { member: user.email, role } });
}

/** Adds an existing user to a project with a role (developer unless `body.role` says), or gives a
 *  member another role. Never a role above the giver's own. */
export async function addMember(deps: Deps, user: Actor, projectName: string, body: Body): Promise<{ email: string; role: ProjectRole }> {
  const { project, role: giver, acting } = await openProject(deps.db, user, projectName, 'members.manage');
  const { email, role } = validate.fields({ email: () => validate.email(body.email), role: () => parseRole(body.role) });
  if (!mayGive(giver, role)) {
    await audit(deps, acting, 'members.manage', projectObject(project), { after: { role }, outcome: 'refused' });
    throw new Forbidden(`you may not give a role above your own (${giver})`);
  }
  const member = await findUserByEmail(deps.db, email);
  if (!member) throw new NoSuchUser(`there is no user ${email}; add them on the Users page or with spur user add`);
  const before = await memberRole(deps.db, project.id, member.id);
  if (!(await setProjectMember(deps.db, project.id, member.id, role))) throw lastAdmin(member.email, projectName, `making them ${role === 'admin' ? 'an' : 'a'} ${role}`);
  await audit(deps, acting, before ? 'members.role' : 'members.add', projectObject(project), { before: before ? { member: member.email, role: before } : undefined, after: { member: member.email, role } });
  return { email: member.email, role };
}
