// Users, browser sessions and API tokens.
import { sql } from 'kysely';
import type { Db } from '../db/open.js';
import type { User } from '../db/schema.js';
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

/** Starts a browser session; returns the cookie value (only its hash is stored). */
export async function createSession(db: Db, userId: number): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expires = new Date(Date.now() + SESSION_DAYS * 86400_000).toISOString();
  await db.insertInto('sessions').values({ token_hash: sha256(token), user_id: userId, csrf_token: csrfToken, expires_at: expires, created_at: nowIso() }).execute();
  return { token, csrfToken };
}

export async function findSession(db: Db, token: string): Promise<{ user: User; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at < nowIso()) return undefined;
  const { csrf_token, expires_at: _expires, ...user } = row;
  return { user, csrfToken: csrf_token };
}

export const deleteSession = (db: Db, token: string) => db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();

/** Mints an API token for a user; the clear token is returned once and never stored. */
export async function createApiToken(db: Db, userId: number, name: string): Promise<string> {
  const token = `spur_${randomToken()}`;
  await db.insertInto('api_tokens').values({ user_id: userId, token_hash: sha256(token), name, created_at: nowIso(), last_used_at: null }).execute();
  return token;
}

export async function findUserByApiToken(db: Db, token: string): Promise<User | undefined> {
  const hash = sha256(token);
  const user = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst();
  if (user) await db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('token_hash', '=', hash).execute();
  return user;
}
