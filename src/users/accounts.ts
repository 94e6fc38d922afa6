// People and their API tokens: the one place each change is made, called alike by the web UI and
// the JSON API (through actions/users.ts, which asks first who may manage users) and the CLI
// commands run on the server (which act as the server's own console, with the whole data
// directory in hand, and may).
import type { Db } from '../db/open.js';
import type { TokenScope, User } from '../db/schema.js';
import { Conflict, Forbidden, InvalidFields, InvalidInput, NotFound } from '../errors.js';
import { hashPassword, sha256 } from '../secrets.js';
import { type TokenLimits, createApiToken, createUser, findUserByEmail, listApiTokens, removeUser, revokeApiToken, setPassword } from '../store/users.js';
import * as validate from '../validate.js';

/** Who asks: a signed-in user (web or API), or the server's own command line. */
export const SERVER_CONSOLE = 'server console';
export type Asker = Pick<User, 'id' | 'role' | 'email'> | typeof SERVER_CONSOLE;

type Body = Record<string, unknown>;

export interface UserView { email: string; role: User['role']; createdAt: string; canSignIn: boolean; lastActiveAt: string | null; twoFactor?: boolean }
/** A token as its owner sees it: never its secret. */
export interface TokenView { id: number; name: string; scope: TokenScope; project: string | null; expiresAt: string | null; createdAt: string; lastUsedAt: string | null }

async function getUser(db: Db, email: unknown) {
  const address = validate.email(email);
  const user = await findUserByEmail(db, address);
  if (!user) throw new NotFound(`there is no user ${address}`);
  return user;
}

/** Everyone with their role and when they last signed in or used an API token, if ever. */
export async function listUsers(db: Db): Promise<UserView[]> {
  const rows = await db
    .selectFrom('users')
    .select((eb) => [
      'users.email',
      'users.role',
      'users.created_at',
      'users.password_hash',
      eb.selectFrom('sessions').select((s) => s.fn.max('sessions.created_at').as('t')).whereRef('sessions.user_id', '=', 'users.id').as('signed_in'),
      eb.selectFrom('api_tokens').select((s) => s.fn.max('api_tokens.last_used_at').as('t')).whereRef('api_tokens.user_id', '=', 'users.id').as('token_used'),
      eb.selectFrom('two_factor').select('two_factor.user_id').whereRef('two_factor.user_id', '=', 'users.id').where('two_factor.enabled_at', 'is not', null).as('two_factor'),
    ])
    .orderBy('users.email')
    .execute();
  return rows.map((r) => {
    const times = [r.signed_in, r.token_used].filter((t): t is string => typeof t === 'string').sort();
    return { email: r.email, role: r.role, createdAt: r.created_at, canSignIn: r.password_hash !== null, lastActiveAt: times.at(-1) ?? null, twoFactor: r.two_factor !== null };
  });
}

/** Adds a user (a member unless told otherwise). Without a password they cannot sign in to the
 *  web UI until one is set; they can still be given API tokens on the server. */
export async function addUser(db: Db, body: Body): Promise<UserView> {
  const v = validate.fields({
    email: () => validate.email(body.email),
    role: () => validate.optional(body.role, validate.userRole) ?? 'member',
    password: () => validate.optional(body.password, validate.password) ?? null,
  });
  const passwordHash = v.password === null ? null : await hashPassword(v.password);
  const user = await createUser(db, { email: v.email, role: v.role, passwordHash }).catch((err) => {
    if (err instanceof Conflict) throw new InvalidFields({ email: `${v.email} already has an account` });
    throw err;
  });
  return { email: user.email, role: user.role, createdAt: user.created_at, canSignIn: user.password_hash !== null, lastActiveAt: null };
}

/** Sets a user's password (at least 10 characters) and ends all their browser sessions. */
export async function resetPassword(db: Db, email: unknown, password: unknown): Promise<string> {
  const user = await getUser(db, email);
  let hash: string;
  try {
    hash = await hashPassword(validate.password(password));
  } catch (err) {
    if (err instanceof InvalidInput) throw new InvalidFields({ password: err.message });
    throw err;
  }
  await setPassword(db, user.id, hash);
  return user.email;
}

/** Removes a user with their sessions, tokens, keys and memberships. Never the last owner, and
 *  not oneself from the web or the API (that would lock the asker out mid-way); the server's
 *  console may. */
export async function deleteUser(db: Db, by: Asker, email: unknown): Promise<string> {
  const user = await getUser(db, email);
  if (by !== SERVER_CONSOLE && user.id === by.id) throw new Forbidden('you cannot remove yourself; another owner can, or use spur user remove on the server');
  if (!(await removeUser(db, user.id))) throw new Conflict(`${user.email} is the only owner; make another owner first`);
  return user.email;
}

type TokenRow = Awaited<ReturnType<typeof listApiTokens>>[number];
const toTokenView = (t: TokenRow): TokenView => ({ id: t.id, name: t.name, scope: t.scope, project: t.project, expiresAt: t.expires_at, createdAt: t.created_at, lastUsedAt: t.last_used_at });

/** One's own tokens (never their secrets, which are not stored); only those bound to `projectId` when given. */
export async function listTokens(db: Db, userId: number, projectId?: number): Promise<TokenView[]> {
  return (await listApiTokens(db, userId, projectId)).map(toTokenView);
}

/** A new token for `userId`, named, with its limits (checked by the caller); the secret is
 *  returned here once and never again. */
export async function mintToken(db: Db, userId: number, name: unknown, limits: TokenLimits = {}): Promise<{ id: number; name: string; token: string }> {
  const v = validate.fields({ name: () => validate.optional(name, validate.tokenName) ?? 'cli' });
  const token = await createApiToken(db, userId, v.name, limits);
  const { id } = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', sha256(token)).executeTakeFirstOrThrow();
  return { id, name: v.name, token };
}

/** Revokes one of `userId`'s own tokens (only one bound to `projectId`, when given); another
 *  user's or project's token id is "not found", as is a missing one. */
export async function revokeToken(db: Db, userId: number, id: unknown, projectId?: number): Promise<{ id: number; name: string }> {
  const tokenId = validate.integer('token id', id, 1, Number.MAX_SAFE_INTEGER);
  const revoked = await revokeApiToken(db, userId, tokenId, projectId);
  if (!revoked) throw new NotFound(`you have no token ${tokenId}`);
  return { id: tokenId, name: revoked.name };
}
