// Who may do what: the one place that says it. Actions ask `requireTo` before they act and find
// projects through `getProjectFor`/`listProjectsFor`/`canAccessProject`; pages ask `mayDo` whether
// to show a control. Today an owner may do everything and uses every project, and a member uses
// the projects they were added to. New roles change the table MAY, and only it. Every refusal
// of `requireTo` is written to the audit log (record.ts).
import type { Db } from '../db/open.js';
import type { Project, User } from '../db/schema.js';
import { Forbidden, NotFound } from '../errors.js';
import { isProjectMember, listMemberProjects, listProjects } from '../store/access.js';
import { findProject } from '../store/projects.js';
import { type Actor, type AuditObject, audit } from './record.js';

export type { Actor };

type Role = User['role'];

/** What takes more than being a member of the project: who may, and what anyone else is told
 *  (403). Using a project one may not see is "not found" instead, so its name does not leak. */
const MAY = {
  /** See and use every project without being added to it. */
  'projects.every': { who: ['owner'] },
  'project.delete': { who: ['owner'], refused: 'only the owner may delete a project' },
  /** Before the email is read at all, so the answer tells nothing about which users exist. */
  'members.manage': { who: ['owner'], refused: 'only an owner may add or remove project members' },
  'variables.reveal': { who: ['owner'], refused: 'only the owner may reveal variable values' },
  'database.credentials': { who: ['owner'], refused: 'only the owner may see database credentials' },
  'backups.download': { who: ['owner'], refused: 'only the owner may download database backups' },
  /** Above both the server's SPUR_BUILD_* and the service's present value (lowering is anyone's). */
  'build-limits.raise': { who: ['owner'], refused: (what: string) => `only an owner may set the ${what}` },
  'settings.change': { who: ['owner'], refused: "only an owner can change Spur's settings" },
  'servers.manage': { who: ['owner'], refused: 'only an owner can manage servers' },
  'users.manage': { who: ['owner'], refused: 'only an owner may manage users' },
  'update.start': { who: ['owner'], refused: 'only an owner can update Spur' },
  /** The installation's audit log, and checking its chain. */
  'audit.read': { who: ['owner'], refused: 'only an owner may read the audit log' },
  /** A project's own audit log (its admins', once projects have admins). */
  'project-audit.read': { who: ['owner'], refused: "only an owner may read the project's audit log" },
} as const satisfies Record<string, { who: readonly Role[]; refused?: string | ((what: string) => string) }>;

export type Action = keyof typeof MAY;
type Refusable = { [A in Action]: (typeof MAY)[A] extends { refused: unknown } ? A : never }[Action];

/** Whether this user may do it (a page asks this to show or hide a control; a page's user may
 *  come without a role, and then may not). */
export const mayDo = (user: { role?: string }, action: Action): boolean => (MAY[action].who as readonly string[]).includes(user.role ?? '');

/** Refuses (403, with the table's words) a user who may not, and records the refusal in the audit
 *  log against `object` (which also puts it in that project's log); `what` completes words that name it. */
export async function requireTo(deps: { db: Db }, user: Actor, action: Refusable, options: { what?: string; object?: AuditObject } = {}): Promise<void> {
  if (mayDo(user, action)) return;
  const refused: string | ((what: string) => string) = MAY[action].refused;
  await audit(deps, user, action, options.object ?? null, { outcome: 'refused' });
  throw new Forbidden(typeof refused === 'string' ? refused : refused(options.what ?? ''));
}

/** Whether the user may see and use the project. */
export async function canAccessProject(db: Db, user: Pick<User, 'id' | 'role'>, projectId: number): Promise<boolean> {
  return mayDo(user, 'projects.every') || isProjectMember(db, projectId, user.id);
}

/** The project, if this user may see it; otherwise "not found", so names of others' projects do not leak. */
export async function getProjectFor(db: Db, user: Pick<User, 'id' | 'role'>, name: string): Promise<Project> {
  const project = await findProject(db, name);
  if (!project || !(await canAccessProject(db, user, project.id))) throw new NotFound(`project ${name} not found`);
  return project;
}

/** The projects this user may see, by name. */
export async function listProjectsFor(db: Db, user: Pick<User, 'id' | 'role'>): Promise<Project[]> {
  return mayDo(user, 'projects.every') ? listProjects(db) : listMemberProjects(db, user.id);
}
