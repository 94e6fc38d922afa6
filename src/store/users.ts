// Users, browser sessions and API tokens.
import { sql } from 'kysely';
import type { Db } from '../db/open.js';
import type { TokenScope, User } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { randomToken, sha256 } from '../secrets.js';
import { nowIso } from './time.js';

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createUser(db: Db, user: { email: string; passwordHash: string | null; role: User['role'] }): Promise<User> {
  const existing = await findUserByEmail(db, user.email);
  if (existing) throw new Conflict(`user ${user.email} already exists`);
  return db
    .insertInto('users')
    .values({ email: user.email, password_hash: user.passwordHash, role: user.role, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Creates the owner only if there is no user at all, in one statement: of any number of
 *  concurrent claims (browser setup, `spur token create`, another process) exactly one wins.
 *  Undefined when someone else already became the owner. */
export async function createFirstOwner(db: Db, user: { email: string; passwordHash: string | null }): Promise<User | undefined> {
  const inserted = await sql`INSERT INTO users (email, password_hash, role, created_at)
    SELECT ${user.email}, ${user.passwordHash}, 'owner', ${nowIso()} WHERE NOT EXISTS (SELECT 1 FROM users)`.execute(db);
  if (!inserted.numAffectedRows) return undefined;
  return findUserByEmail(db, user.email);
}

export const findUserByEmail = (db: Db, email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
export const findUserById = (db: Db, id: number) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

const SESSION_DAYS = 14;

/** Starts a browser session; returns the cookie value (only its hash is stored). The device
 *  (User-Agent) and address it came from are kept for the user's Sessions list. */
export async function createSession(db: Db, userId: number, from: { userAgent?: string | null; address?: string | null } = {}): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expires = new Date(Date.now() + SESSION_DAYS * 86400_000).toISOString();
  const now = nowIso();
  await db
    .insertInto('sessions')
    .values({ token_hash: sha256(token), user_id: userId, csrf_token: csrfToken, expires_at: expires, created_at: now, public_id: randomToken(12), user_agent: from.userAgent?.slice(0, 300) ?? null, address: from.address ?? null, last_seen_at: now })
    .execute();
  return { token, csrfToken };
}

export async function findSession(db: Db, token: string): Promise<{ user: User; csrfToken: string; sessionId: string | null; lastSeenAt: string | null } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at', 'sessions.public_id', 'sessions.last_seen_at as session_seen_at'])
    .where('sessions.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at < nowIso()) return undefined;
  const { csrf_token, expires_at: _expires, public_id, session_seen_at, ...user } = row;
  return { user, csrfToken: csrf_token, sessionId: public_id, lastSeenAt: session_seen_at };
}

export const deleteSession = (db: Db, token: string) => db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();

/** What a new token may do of what its user may: by default everything (admin), every project, for ever. */
export interface TokenLimits {
  scope?: TokenScope;
  projectId?: number | null;
  expiresAt?: string | null;
  /** The token making it: it is revoked with that one. */
  parentId?: number | null;
}

/** Mints an API token for a user; the clear token is returned once and never stored. */
export async function createApiToken(db: Db, userId: number, name: string, limits: TokenLimits = {}): Promise<string> {
  const token = `spur_${randomToken()}`;
  await db
    .insertInto('api_tokens')
    .values({ user_id: userId, token_hash: sha256(token), name, created_at: nowIso(), last_used_at: null, scope: limits.scope ?? 'admin', project_id: limits.projectId ?? null, expires_at: limits.expiresAt ?? null, parent_id: limits.parentId ?? null })
    .execute();
  return token;
}

/** A token's user (as they are now: their role is read on every request) and its limits. */
export interface FoundToken {
  user: User;
  token: { id: number; scope: TokenScope; project: { id: number; name: string } | null; expiresAt: string | null; lastUsedAt: string | null };
}

export async function findApiToken(db: Db, token: string): Promise<FoundToken | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .leftJoin('projects', 'projects.id', 'api_tokens.project_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.scope', 'api_tokens.project_id', 'projects.name as project_name', 'api_tokens.expires_at', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id, scope, project_id, project_name, expires_at, last_used_at, ...user } = row;
  const project = project_id !== null && project_name !== null ? { id: project_id, name: project_name } : null;
  return { user, token: { id: token_id, scope, project, expiresAt: expires_at, lastUsedAt: last_used_at } };
}

/** Records a token's use, at most once a minute (a busy script does not write on every call). */
export async function touchApiToken(db: Db, tokenId: number, now: Date): Promise<void> {
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', minuteAgo)]))
    .execute();
}

/** Sets a password and ends every browser session of the user, in one transaction. */
export async function setPassword(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  });
}

/** Removes a user with their sessions, API tokens, SSH keys and memberships (foreign keys
 *  cascade); never the last owner. False when that refused it or there was no such user. */
export async function removeUser(db: Db, userId: number): Promise<boolean> {
  const result = await sql`DELETE FROM users WHERE id = ${userId}
    AND (role != 'owner' OR (SELECT COUNT(*) FROM users WHERE role = 'owner') > 1)`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** One's tokens (only those bound to `projectId`, when given), with the name of their project. */
export const listApiTokens = (db: Db, userId: number, projectId?: number) =>
  db
    .selectFrom('api_tokens')
    .leftJoin('projects', 'projects.id', 'api_tokens.project_id')
    .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.scope', 'projects.name as project', 'api_tokens.expires_at', 'api_tokens.created_at', 'api_tokens.last_used_at'])
    .where('api_tokens.user_id', '=', userId)
    .$if(projectId !== undefined, (q) => q.where('api_tokens.project_id', '=', projectId!))
    .orderBy('api_tokens.id')
    .execute();

/** Revokes one of the user's tokens (only one bound to `projectId`, when given); false when they
 *  have no such token. */
export async function revokeApiToken(db: Db, userId: number, tokenId: number, projectId?: number): Promise<{ name: string } | undefined> {
  let q = db.deleteFrom('api_tokens').where('id', '=', tokenId).where('user_id', '=', userId);
  if (projectId !== undefined) q = q.where('project_id', '=', projectId);
  return q.returning('name').executeTakeFirst();
}

/** Notes that the user was seen now, at most once a minute (a write per request would be too many). */
export async function touchUser(db: Db, userId: number): Promise<void> {
  const now = nowIso();
  const minuteAgo = new Date(Date.parse(now) - 60_000).toISOString();
  await db.updateTable('users').set({ last_seen_at: now }).where('id', '=', userId).where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', minuteAgo)])).execute();
}
