// Who may do what: the one place that says it. Every action a user can take is a row of MAY, and
// every request passes one door: `getProjectFor`/`openProject`/`findInstance` look up the user's
// role in the project once and refuse an action that role may not take; `requireTo` refuses the
// installation's actions (and finer ones on a role already looked up); pages ask `mayDo` whether
// to show a control. Nothing else compares roles. Every refusal is written to the audit log
// (record.ts), with the role the user had. An API token narrows its user further, here too: each
// action names the token scope that covers it, and a token bound to one project sees no other.
import type { Db } from '../db/open.js';
import type { Project, ProjectRole, TokenScope, User } from '../db/schema.js';
import { Forbidden, NotFound } from '../errors.js';
import { listMemberProjects, listProjects, memberRole } from '../store/access.js';
import { findProject } from '../store/projects.js';
import type { InstanceContext } from '../store/services.js';
import { type Acting, type Actor, type AuditObject, type Origin, type TokenGrant, audit, projectObject } from './record.js';

export type { Acting, Actor, TokenGrant };

/** The installation's owner, or a member's role in one project. */
export type Role = 'owner' | ProjectRole;
export const PROJECT_ROLES: readonly ProjectRole[] = ['admin', 'developer', 'viewer'];

/** A project as one user may use it: their role there, looked up once per request. */
export interface ProjectAccess {
  project: Project;
  role: Role;
  /** The user with that role, as the audit log names who acted. */
  acting: Acting;
}

// Who may: the owner may everything; a project's admin everything inside it; a developer what
// ships code; a viewer reads. `member` is any signed-in user, outside any project.
const OWNER = ['owner'] as const;
const ADMIN = ['owner', 'admin'] as const;
const DEVELOPER = ['owner', 'admin', 'developer'] as const;
const VIEWER = ['owner', 'admin', 'developer', 'viewer'] as const;
const ANYONE = ['owner', 'member'] as const;

type Who = Role | 'member';

/** An API token's scope, narrowest first: each covers the ones before it. */
export const SCOPES: readonly TokenScope[] = ['read', 'deploy', 'admin'];
export type Scope = TokenScope;
// What each covers: `read` only reading (never a secret's value); `deploy` that and deploy,
// rollback and cancel; `admin` everything its user may.
const READ = 'read';
const DEPLOY = 'deploy';
const ADMIN_SCOPE = 'admin';

interface Rule {
  who: readonly Who[];
  /** In a project (the role there decides), of the installation (the user's own role does), or
   *  of one's own account (anyone's; a project-bound token's only for its project). */
  in: 'project' | 'installation' | 'account';
  /** The narrowest API token scope that covers it (a new action must pick one). */
  scope: Scope;
  /** What someone who may not is told (403). Using a project one may not see is "not found". */
  refused: string | ((what: string) => string);
  /** In a protected environment, only these act at once; anyone else `who` lets in asks: the
   *  change waits as a request for an admin's approval (actions/requests.ts). */
  protectedFor?: readonly Who[];
}

/** The matrix: every action a user can take, who may, and what anyone else is told. */
export const MAY = {
  // The installation (its owner's).
  'projects.every': { who: OWNER, scope: READ, in: 'installation', refused: 'only an owner sees every project' },
  'project.create': { who: ANYONE, scope: ADMIN_SCOPE, in: 'installation', refused: 'you may not create projects' },
  /** Above both the server's SPUR_BUILD_* and the service's present value (lowering is anyone's who may change the service). */
  'build-limits.raise': { who: OWNER, scope: ADMIN_SCOPE, in: 'installation', refused: (what: string) => `only an owner may set the ${what}` },
  'settings.change': { who: OWNER, scope: ADMIN_SCOPE, in: 'installation', refused: "only an owner can change Spur's settings" },
  'servers.manage': { who: OWNER, scope: ADMIN_SCOPE, in: 'installation', refused: 'only an owner can manage servers' },
  'users.manage': { who: OWNER, scope: ADMIN_SCOPE, in: 'installation', refused: 'only an owner may manage users' },
  'update.start': { who: OWNER, scope: ADMIN_SCOPE, in: 'installation', refused: 'only an owner can update Spur' },
  // Inside a project: reading.
  'project.read': { who: VIEWER, scope: READ, in: 'project', refused: 'you may not see this project' },
  'logs.read': { who: VIEWER, scope: READ, in: 'project', refused: 'you may not read logs in this project' },
  'variables.read-names': { who: VIEWER, scope: READ, in: 'project', refused: 'you may not see variables in this project' },
  /** Leaving is every member's own (never the last admin: actions/members.ts). */
  'project.leave': { who: VIEWER, scope: ADMIN_SCOPE, in: 'project', refused: 'you may not leave this project' },
  // Shipping code (developers).
  'service.create': { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: 'a viewer may not create services' },
  'service.change': { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: 'a viewer may not change services' },
  /** The webhook secret and deploy key: whoever may deploy. */
  'service.git-access': { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: "a viewer may not see a service's git access" },
  /** Per environment: in a protected one a developer's deploy is a request an admin approves. */
  deploy: { who: DEVELOPER, scope: DEPLOY, in: 'project', refused: 'a viewer may not deploy', protectedFor: ADMIN },
  rollback: { who: DEVELOPER, scope: DEPLOY, in: 'project', refused: 'a viewer may not roll back', protectedFor: ADMIN },
  cancel: { who: DEVELOPER, scope: DEPLOY, in: 'project', refused: 'a viewer may not cancel deployments' },
  /** A one-off command from the serving image, with its variables (`spur run`, a job's Run now).
   *  In a protected environment only an admin may: it cannot wait for an approval. */
  run: { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: 'a viewer may not run commands', protectedFor: ADMIN },
  /** A service's scheduled jobs (adding, changing, removing); in a protected environment an admin's. */
  'jobs.change': { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: 'a viewer may not change scheduled jobs', protectedFor: ADMIN },
  'variables.change': { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: 'a viewer may not change variables', protectedFor: ADMIN },
  /** One's own request; an admin's, any (see actions/requests.ts). */
  'requests.cancel': { who: DEVELOPER, scope: DEPLOY, in: 'project', refused: 'a viewer may not cancel requests' },
  'backups.create': { who: DEVELOPER, scope: ADMIN_SCOPE, in: 'project', refused: 'a viewer may not back up databases' },
  // The project's admins.
  'project.delete': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may delete a project' },
  /** Before the email is read at all, so the answer tells nothing about which users exist. Also
   *  inviting and revoking invitations (never a role above the inviter's: mayGive). */
  'members.manage': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may add, change or remove project members' },
  'environment.create': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may create environments' },
  'environment.delete': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may delete environments' },
  /** A service's previews of pull requests: on or off, from which environment, what they copy. */
  'previews.change': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may turn previews on or off' },
  'environment.protect': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may protect or unprotect environments' },
  /** Approve or reject a request waiting in a protected environment (one's own included: a developer never may). */
  'requests.decide': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: "only an admin may approve, reject or cancel another's request" },
  'service.delete': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may delete services' },
  'variables.reveal': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may reveal variable values' },
  'domains.change': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may change domains' },
  'volumes.change': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may add or remove volumes' },
  /** Replaces a volume's files with a backup's (or makes a new volume of them). */
  'volumes.restore': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may restore volumes' },
  'database.create': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may create databases' },
  'database.change': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may change or restart databases' },
  'database.delete': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may delete databases' },
  'database.restore': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may restore databases' },
  'database.credentials': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may see database credentials' },
  'backups.download': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may download database backups' },
  /** A shell in a new container of the serving image, in the browser; recorded in the audit log. */
  'console.open': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: 'only an admin may open a console' },
  /** Where the project's alerts go (its channels, and trying one with a test message). */
  'alerts.manage': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: "only an admin may change where the project's alerts go" },
  /** Where the project's events are posted (its webhooks, their deliveries, a redelivery). */
  'webhooks.manage': { who: ADMIN, scope: ADMIN_SCOPE, in: 'project', refused: "only an admin may change where the project's events are sent" },
  /** A project's own audit log. */
  'project-audit.read': { who: ADMIN, scope: READ, in: 'project', refused: "only an admin may read the project's audit log" },
  // The installation's audit log, and checking its chain.
  'audit.read': { who: OWNER, scope: READ, in: 'installation', refused: 'only an owner may read the audit log' },
  // One's own account. An SSH key pushes as its user to every project: a whole-installation power.
  'tokens.read': { who: ANYONE, scope: READ, in: 'account', refused: 'you may not list API tokens' },
  'tokens.manage': { who: ANYONE, scope: ADMIN_SCOPE, in: 'account', refused: 'you may not create or revoke API tokens' },
  'keys.manage': { who: ANYONE, scope: ADMIN_SCOPE, in: 'installation', refused: 'you may not add or remove SSH keys' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof MAY;
export type ProjectAction = { [A in Action]: (typeof MAY)[A]['in'] extends 'project' ? A : never }[Action];

/** Whether this role may do it: a project's role (from `openProject`) for a project's action, the
 *  user for the installation's (a page asks this to show or hide a control; a page's user may
 *  come without a role, and then may not). */
export const mayDo = (who: Asking, action: Action): boolean => refusal(who, action) === undefined;

/** Someone asking the door: a role, and the token they came with (none: a browser, SSH, a page). */
type Asking = { role?: string; origin?: Pick<Origin, 'grant'> };

const roleMay = (role: string | undefined, action: Action) => (MAY[action].who as readonly string[]).includes(role ?? '');

/** Whether an API token of this scope covers the action (the table's `scope`). */
export const scopeCovers = (scope: Scope, action: Action): boolean => SCOPES.indexOf(MAY[action].scope) <= SCOPES.indexOf(scope);

/** Why the door refuses (the role first, then the token's scope, then its project), or undefined. */
function refusal(who: Asking, action: Action, what = ''): string | undefined {
  const rule: Rule = MAY[action];
  if (!roleMay(who.role, action)) return typeof rule.refused === 'string' ? rule.refused : rule.refused(what);
  const grant = who.origin?.grant;
  if (!grant) return undefined;
  if (!scopeCovers(grant.scope, action)) return `this token's scope (${grant.scope}) does not allow ${action}`;
  if (grant.project && rule.in === 'installation') return `this token is for project ${grant.project.name} only; it does not allow ${action}`;
  return undefined;
}

/** Refuses (403, with the table's words) someone whose role may not, or whose token's scope or
 *  project does not cover it, and records the refusal in the audit log against `object` (which
 *  also puts it in that project's log); `who` carries the role that decides (a project's, from
 *  the door, or the user's own) and their token; `what` completes words that name it. */
export async function requireTo(deps: { db: Db }, who: Acting, action: Action, options: { what?: string; object?: AuditObject } = {}): Promise<void> {
  const refused = refusal(who, action, options.what);
  if (refused === undefined) return;
  await audit(deps, who, action, options.object ?? null, { outcome: 'refused' });
  throw new Forbidden(refused);
}

/** How `who` may do `action` in an environment: at once ('act'), or only by asking an admin
 *  ('ask': the environment is protected and the role is not one that acts there at once). One who
 *  may not do it at all is refused here (403, recorded), as `requireTo` does. */
export async function wayTo(deps: { db: Db }, who: Acting, action: Action, environment: { protected: number }, options: { object?: AuditObject } = {}): Promise<'act' | 'ask'> {
  await requireTo(deps, who, action, options);
  return asksIn(who, action, environment) ? 'ask' : 'act';
}

/** For what cannot wait for an approval (a command run now): one who would have to ask in this
 *  protected environment is refused instead (403, recorded), saying so. */
export async function requireAtOnce(deps: { db: Db }, who: Acting, action: Action, environment: { protected: number; name: string }, options: { object?: AuditObject; doing: string }): Promise<void> {
  if ((await wayTo(deps, who, action, environment, options)) === 'act') return;
  await audit(deps, who, action, options.object ?? null, { outcome: 'refused' });
  throw new Forbidden(`${environment.name} is protected: only an admin may ${options.doing} there`);
}

/** Whether this role, who may do `action`, must ask for it in this environment (see wayTo); a
 *  git host (no role) always asks in a protected one. A page asks it to word a button. */
export function asksIn(who: { role?: string }, action: Action, environment: { protected: number }): boolean {
  const rule: Rule = MAY[action];
  return environment.protected === 1 && rule.protectedFor !== undefined && !(rule.protectedFor as readonly string[]).includes(who.role ?? '');
}

/** The user's role in the project: the owner's everywhere, a member's where they were added. */
export async function roleIn(db: Db, user: Pick<User, 'id' | 'role'>, projectId: number): Promise<Role | undefined> {
  return roleMay(user.role, 'projects.every') ? 'owner' : memberRole(db, projectId, user.id);
}

/** The role this asker acts with in the project: none when their token is bound to another one. */
export async function roleFor(db: Db, user: Actor, projectId: number): Promise<Role | undefined> {
  const bound = user.origin?.grant?.project;
  if (bound && bound.id !== projectId) return undefined;
  return roleIn(db, user, projectId);
}

/** Whether the user may see and use the project at all. */
export async function canAccessProject(db: Db, user: Pick<User, 'id' | 'role'>, projectId: number): Promise<boolean> {
  return (await roleIn(db, user, projectId)) !== undefined;
}

/** The door of a project: the project and the user's role there, if they may do `action` in it.
 *  A project they may not see is "not found", so names of others' projects do not leak; one they
 *  see but may not do this in is refused (403) with the matrix's words. */
export async function openProject(db: Db, user: Actor, name: string, action: ProjectAction): Promise<ProjectAccess> {
  const project = await findProject(db, name);
  if (!project) throw new NotFound(`project ${name} not found`);
  const role = await roleFor(db, user, project.id);
  if (!role) {
    await audit({ db }, user, action, projectObject(project), { outcome: 'refused' });
    throw new NotFound(`project ${name} not found`);
  }
  const acting = { ...user, role };
  await requireTo({ db }, acting, action, { object: projectObject(project) });
  return { project, role, acting };
}

/** The project, if this user may do `action` in it (see openProject). */
export const getProjectFor = async (db: Db, user: Actor, name: string, action: ProjectAction): Promise<Project> => (await openProject(db, user, name, action)).project;

/** A service instance as the user who asked may use it: with their role in its project (findInstance). */
export type AllowedInstance = InstanceContext & { role: Role; acting: Acting };

/** The projects this user may see, by name (a project-bound token's: its one project). */
export async function listProjectsFor(db: Db, user: Pick<User, 'id' | 'role'> & { origin?: Pick<Origin, 'grant'> }): Promise<Project[]> {
  const all = roleMay(user.role, 'projects.every') ? await listProjects(db) : await listMemberProjects(db, user.id);
  const bound = user.origin?.grant?.project;
  return bound ? all.filter((p) => p.id === bound.id) : all;
}

/** Roles a giver may hand out: never more than their own (an owner gives any). */
export function mayGive(giver: Role, role: ProjectRole): boolean {
  const rank = (r: Role) => ['viewer', 'developer', 'admin', 'owner'].indexOf(r);
  return rank(role) <= rank(giver);
}
