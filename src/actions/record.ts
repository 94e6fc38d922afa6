// The one way a change gets into the audit log: `audit(deps, who, action, object, change)`. Actions
// call it after (or, given a transaction, with) what they change; the door (access.ts) calls it
// for every refusal. Who acted comes as the action's actor, carrying the door it came through
// (`origin`, set by the HTTP auth and the SSH server), or as Spur itself or a git host.
// Secrets are never written: callers describe them with the markers of `secretChanges`, and
// every value under a secret-sounding key is replaced by "(set)" before it is stored.
import type { Db } from '../db/open.js';
import type { AuditEntry, Project, TokenScope, User } from '../db/schema.js';
import type { InstanceContext } from '../store/services.js';
import type { Deps } from '../deps.js';
import { appendAuditEntry } from '../store/audit.js';

export type Via = AuditEntry['via'];

/** Where a person's request came in: the door, the client's address, and whether by API token. */
export interface Origin {
  via: Via;
  address: string | null;
  token?: boolean;
  /** What the API token allows of what its user may (the door, access.ts, applies it). */
  grant?: TokenGrant;
}

/** An API token's limits: a scope (read, deploy, admin) and, if bound, its one project. */
export interface TokenGrant {
  id: number;
  scope: TokenScope;
  project: { id: number; name: string } | null;
  expiresAt: string | null;
}

/** Who acts: a signed-in user (web or API) or an SSH key's owner, with the door they came through. */
export type Actor = Pick<User, 'id' | 'role' | 'email'> & { origin?: Origin };

/** A user acting with a role: their own (an Actor), or the one they have in a project. */
export type Acting = Omit<Actor, 'role'> & { role: string };

/** Spur itself (a job) or a git host (a webhook), when no person acts. */
export interface Agent {
  kind: 'system' | 'webhook';
  /** 'github', 'backup schedule'… */
  name: string;
  via: Via;
  address?: string | null;
}

export type Doer = Acting | Agent;

/** What was acted on, as it was named then; `projectId` puts the entry in that project's log. */
export interface AuditObject {
  kind: string;
  id?: number | null;
  name?: string | null;
  projectId?: number | null;
}

/** A project as the audit log names it. */
export const projectObject = (p: Pick<Project, 'id' | 'name'>): AuditObject => ({ kind: 'project', id: p.id, name: p.name, projectId: p.id });

/** A service instance as the audit log names it: project/service (environment), in its project's log. */
export const instanceObject = (ctx: InstanceContext): AuditObject => ({ kind: 'service', id: ctx.service.id, name: `${ctx.project.name}/${ctx.service.name} (${ctx.environment.name})`, projectId: ctx.project.id });

export interface AuditChange {
  before?: unknown;
  after?: unknown;
  outcome?: AuditEntry['outcome'];
  /** Record within this transaction: the entry stands or falls with the change. */
  tx?: Db;
}

export const SECRET = { set: '(set)', changed: '(changed)', removed: '(removed)' } as const;
const MARKERS = new Set<unknown>(Object.values(SECRET));
/** Keys whose values are secrets wherever they appear in a before/after. */
const SECRET_KEY = /pass(word|phrase)?|secret|token|private|credential|(^|[_-])key$|apikey|value/i;

/** Values under secret-sounding keys become "(set)" (null stays null: nothing was there). */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined && !MARKERS.has(value)) return typeof value === 'object' && !Array.isArray(value) ? redactObject(value as Record<string, unknown>, true) : SECRET.set;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (value !== null && typeof value === 'object') return redactObject(value as Record<string, unknown>, false);
  return value;
}

const redactObject = (o: Record<string, unknown>, all: boolean) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, all ? (v === null || MARKERS.has(v) ? v : SECRET.set) : redactSecrets(v, k)]));

/** A change of secret values by name, as the log keeps it: before, the names that had a value;
 *  after, each changed name as "(set)" (new), "(changed)" or "(removed)". Unchanged ones are left out. */
export function secretChanges(current: Record<string, string>, changes: Record<string, string | null>): { before: Record<string, string>; after: Record<string, string> } {
  const after: Record<string, string> = {};
  for (const [name, value] of Object.entries(changes)) {
    const had = Object.hasOwn(current, name);
    if (value === null) {
      if (had) after[name] = SECRET.removed;
    } else if (!had) after[name] = SECRET.set;
    else if (current[name] !== value) after[name] = SECRET.changed;
  }
  return { before: Object.fromEntries(Object.keys(current).map((n) => [n, SECRET.set])), after };
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(redactSecrets(v)));

/** Appends what `who` did (or tried) to the audit log. */
export async function audit(deps: Pick<Deps, 'db'>, who: Doer, action: string, object: AuditObject | null, change: AuditChange = {}): Promise<void> {
  const person = !('kind' in who);
  await appendAuditEntry(change.tx ?? deps.db, {
    actor_kind: person ? (who.origin?.token ? 'token' : 'user') : who.kind,
    actor_id: person ? who.id : null,
    actor_email: person ? who.email : who.name,
    role: person ? who.role : null,
    action,
    object_kind: object?.kind ?? null,
    object_id: object?.id ?? null,
    object_name: object?.name ?? null,
    project_id: object?.projectId ?? null,
    before: json(change.before),
    after: json(change.after),
    // A person's actor always comes through a door that says which; one that did not is Spur's own console.
    via: person ? (who.origin?.via ?? 'cli') : who.via,
    address: person ? (who.origin?.address ?? null) : (who.address ?? null),
    outcome: change.outcome ?? 'allowed',
  });
}

/** A password login, signed in or refused. A refused one names the account only when the email
 *  is one (a mistyped field, often a password, is never written), and never the password. */
export async function recordLogin(deps: Pick<Deps, 'db'>, attempt: { user: Pick<User, 'id' | 'role' | 'email'> | undefined; address: string; ok: boolean; action?: string; reason?: string }): Promise<void> {
  const { user } = attempt;
  await appendAuditEntry(deps.db, {
    actor_kind: 'user',
    actor_id: user?.id ?? null,
    actor_email: user?.email ?? '(no such user)',
    role: user?.role ?? null,
    // 'login.sso' for single sign-on, whose refusals say why (`reason`).
    action: attempt.action ?? 'login',
    object_kind: null,
    object_id: null,
    object_name: null,
    project_id: null,
    before: null,
    after: attempt.reason ? json({ reason: attempt.reason }) : null,
    via: 'ui',
    address: attempt.address,
    outcome: attempt.ok ? 'allowed' : 'refused',
  });
}
