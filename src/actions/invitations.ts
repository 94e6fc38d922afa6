// Invitations: an admin (or an owner) invites an email to a project with one role. The invitation
// is a link with a random token (only its hash is stored) that is used once, expires, names one
// project and one role, and never gives more than the inviter has (mayGive). It is mailed when
// the owner configured SMTP; otherwise, or when sending fails, the link is handed back to copy.
// Whoever opens the link accepts it: signed in as the invited email, or by setting a password for
// a new account with that email. Everything comes from the stored row; nothing the link's holder
// sends besides the token (and a password) is read.
import type { Invitation, Project, ProjectRole, User } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { Conflict, Forbidden, InvalidFields, InvalidInput, NotFound } from '../errors.js';
import { hashPassword } from '../secrets.js';
import { type MemberRow, memberRole, setProjectMember } from '../store/access.js';
import { createInvitation, findInvitationByToken, listPendingInvitations, revokeInvitation, useInvitation } from '../store/invitations.js';
import { findProject } from '../store/projects.js';
import { smtpSettings } from '../store/settings.js';
import { createUser, findUserByEmail, findUserById } from '../store/users.js';
import { sendMail } from '../users/mail.js';
import * as validate from '../validate.js';
import { mayDo, mayGive, openProject, roleIn } from './access.js';
import type { Actor, Body } from './common.js';
import { spurUrl } from './domains.js';
import { listMembers, parseRole } from './members.js';
import { type Origin, audit, projectObject } from './record.js';

/** How long an invitation is good for, unless the inviter says otherwise (1 to 30 days). */
export const INVITATION_DAYS = 7;

export interface InvitationView {
  id: number;
  email: string;
  role: ProjectRole;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

const toView = (i: Invitation): InvitationView => ({ id: i.id, email: i.email, role: i.role, invitedBy: i.invited_by_email, createdAt: i.created_at, expiresAt: i.expires_at });

/** A new invitation: mailed (`emailed`), or its link given here once to copy (with why it was not mailed). */
export interface Invited {
  invitation: InvitationView;
  emailed: boolean;
  /** The link, when it was not mailed: shown once, never stored. */
  link: string | null;
  /** Why a configured SMTP server did not take the message. */
  mailError: string | null;
}

/** The path of an invitation's link (the project is named so a link for another one is refused). */
export const invitationPath = (project: string, token: string) => `/invite/${project}/${token}`;

export async function invite(deps: Deps, user: Actor, projectName: string, body: Body): Promise<Invited> {
  const { project, role: giver, acting } = await openProject(deps.db, user, projectName, 'members.manage');
  const v = validate.fields({
    email: () => validate.email(body.email),
    role: () => parseRole(body.role),
    days: () => validate.optional(body.days, (d) => validate.integer('days', d, 1, 30)) ?? INVITATION_DAYS,
  });
  if (!mayGive(giver, v.role)) {
    await audit(deps, acting, 'members.invite', projectObject(project), { after: { email: v.email, role: v.role }, outcome: 'refused' });
    throw new Forbidden(`you may not invite to a role above your own (${giver})`);
  }
  const existing = await findUserByEmail(deps.db, v.email);
  if (existing && (await memberRole(deps.db, project.id, existing.id))) throw new InvalidFields({ email: `${v.email} is already a member of ${projectName}; change their role in the list of members` });
  // A link that makes an account must reach only the mailbox it names: one shown to an inviter who
  // is not an owner would let anyone who can make a project make accounts for others' emails.
  const smtp = await smtpSettings(deps.db, deps.key);
  const mailOnly = !existing && !mayDo(user, 'users.manage');
  if (mailOnly && !smtp) throw new InvalidFields({ email: `there is no account for ${v.email}: without an email server only an owner invites someone new (or adds them on the Users page)` });
  const expiresAt = new Date(Date.now() + v.days * 86_400_000).toISOString();
  const { invitation, token } = await createInvitation(deps.db, { projectId: project.id, email: v.email, role: v.role, invitedBy: user, expiresAt });
  await audit(deps, acting, 'members.invite', projectObject(project), { after: { invitation: invitation.id, email: v.email, role: v.role, expiresAt } });
  const link = new URL(invitationPath(project.name, token), await spurUrl(deps)).toString();
  if (!smtp) return { invitation: toView(invitation), emailed: false, link, mailError: null };
  try {
    await sendMail(smtp, {
      to: v.email,
      subject: `You are invited to ${project.name} on Spur`,
      text: `${user.email} invites you to the project ${project.name} on Spur as ${v.role === 'admin' ? 'an' : 'a'} ${v.role}.\n\nAccept the invitation here (the link works once, until ${expiresAt}):\n\n${link}\n`,
    });
    return { invitation: toView(invitation), emailed: true, link: null, mailError: null };
  } catch (err) {
    deps.log.warn('invitation email not sent', { project: project.name, error: (err as Error).message });
    if (mailOnly) {
      await revokeInvitation(deps.db, project.id, invitation.id);
      throw new InvalidFields({ email: `the email to ${v.email} could not be sent (${(err as Error).message}), and an invitation that makes an account goes by email only: try again, or ask an owner` });
    }
    return { invitation: toView(invitation), emailed: false, link, mailError: `the email to ${v.email} could not be sent (${(err as Error).message}); copy the link and send it yourself` };
  }
}

/** A project's pending invitations (not accepted, revoked or expired), for those who may manage members. */
export async function listInvitations(deps: Deps, user: Actor, projectName: string): Promise<InvitationView[]> {
  const { project } = await openProject(deps.db, user, projectName, 'members.manage');
  return (await listPendingInvitations(deps.db, project.id)).map(toView);
}

export async function cancelInvitation(deps: Deps, user: Actor, projectName: string, rawId: unknown): Promise<InvitationView> {
  const { project, acting } = await openProject(deps.db, user, projectName, 'members.manage');
  const id = validate.integer('invitation id', rawId, 1, Number.MAX_SAFE_INTEGER);
  const revoked = await revokeInvitation(deps.db, project.id, id);
  if (!revoked) throw new NotFound(`${projectName} has no pending invitation ${id}`);
  await audit(deps, acting, 'members.invite-revoke', projectObject(project), { before: { invitation: id, email: revoked.email, role: revoked.role } });
  return toView(revoked);
}

/** An invitation as its link's page shows it. */
export interface OpenInvitation {
  invitation: InvitationView;
  project: Project;
  /** Whether an account with the invited email exists (then one signs in as it to accept). */
  hasAccount: boolean;
  /** Who invited (none: their account is gone). */
  inviterId: number | null;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The pending invitation a link names: 404 for a token that is none (or one of another project),
 *  409 for one used, revoked or expired. */
export async function openInvitation(deps: Pick<Deps, 'db'>, projectName: string, token: string): Promise<OpenInvitation> {
  const invitation = TOKEN.test(token) ? await findInvitationByToken(deps.db, token) : undefined;
  const project = invitation && (await findProject(deps.db, projectName));
  if (!invitation || !project || invitation.project_id !== project.id) throw new NotFound('this invitation link is not valid: check that it was copied whole');
  if (invitation.accepted_at) throw new Conflict('this invitation was already used; ask for a new one');
  if (invitation.revoked_at) throw new Conflict('this invitation was revoked; ask for a new one');
  if (invitation.expires_at <= new Date().toISOString()) throw new Conflict('this invitation has expired; ask for a new one');
  return { invitation: toView(invitation), project, hasAccount: (await findUserByEmail(deps.db, invitation.email)) !== undefined, inviterId: invitation.invited_by };
}

/** Who accepts: the signed-in user, or someone without an account who sets its password. */
export type Acceptor = { user: Actor } | { password: unknown; origin: Origin };

/** Uses the invitation: the acceptor becomes a member with its role (a member keeps a higher role
 *  they already have). The check that it is still pending and its use are one statement, in the
 *  transaction that makes the account and the membership: of concurrent accepts, one wins. */
export async function acceptInvitation(deps: Deps, projectName: string, token: string, by: Acceptor): Promise<{ user: User; project: Project; role: ProjectRole }> {
  const { invitation, project, inviterId } = await openInvitation(deps, projectName, token);
  // The inviter must still be able to give this role: an admin removed or demoted since takes
  // their pending invitations' power with them.
  const inviter = inviterId === null ? undefined : await findUserById(deps.db, inviterId);
  const inviterRole = inviter && (await roleIn(deps.db, inviter, project.id));
  if (!inviterRole || !mayGive(inviterRole, invitation.role)) throw new Conflict(`whoever invited you may no longer give the role ${invitation.role} in ${project.name}; ask for a new invitation`);
  let passwordHash: string | undefined;
  if ('user' in by) {
    if (by.user.email !== invitation.email) throw new Forbidden(`this invitation is for ${invitation.email}; you are signed in as ${by.user.email}`);
  } else {
    if (await findUserByEmail(deps.db, invitation.email)) throw new Conflict(`there is already an account for ${invitation.email}: sign in, then open the link again`);
    try {
      passwordHash = await hashPassword(validate.password(by.password));
    } catch (err) {
      if (err instanceof InvalidInput) throw new InvalidFields({ password: err.message });
      throw err;
    }
  }
  return deps.db.transaction().execute(async (tx) => {
    const user = 'user' in by ? ((await findUserByEmail(tx, by.user.email)) as User) : await createUser(tx, { email: invitation.email, passwordHash: passwordHash!, role: 'member' });
    if (!(await useInvitation(tx, invitation.id, user.id))) throw new Conflict('this invitation was used, revoked or expired a moment ago; ask for a new one');
    const had = await memberRole(tx, project.id, user.id);
    const role = had && mayGive(had, invitation.role) ? had : invitation.role;
    if (role !== had) await setProjectMember(tx, project.id, user.id, role);
    const acting = { id: user.id, email: user.email, role, origin: 'user' in by ? by.user.origin : by.origin };
    await audit(deps, acting, 'members.accept', projectObject(project), { before: had ? { member: user.email, role: had } : undefined, after: { invitation: invitation.id, member: user.email, role, newAccount: !('user' in by) }, tx });
    return { user, project, role };
  });
}

/** What a project's Members page shows this user: everything to those who may manage members;
 *  to any other member only the way to leave. */
export async function membersPageData(deps: Deps, user: Actor, projectName: string): Promise<{ members?: MemberRow[]; invitations?: InvitationView[]; isMember: boolean }> {
  const { project, role } = await openProject(deps.db, user, projectName, 'project.leave');
  const isMember = (await memberRole(deps.db, project.id, user.id)) !== undefined;
  if (!mayDo({ role }, 'members.manage')) return { isMember };
  return { members: await listMembers(deps, user, projectName), invitations: await listInvitations(deps, user, projectName), isMember };
}
