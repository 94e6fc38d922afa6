// A user's browser sessions as they see them: listed, touched, ended. Always scoped by the user:
// another user's session id is simply not found.
import type { Db } from '../db/open.js';
import { nowIso } from './time.js';

export interface SessionRow {
  id: string;
  userAgent: string | null;
  address: string | null;
  createdAt: string;
  lastSeenAt: string | null;
}

/** The user's live sessions, the most recently seen first. */
export async function listSessions(db: Db, userId: number): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['public_id', 'user_agent', 'address', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', nowIso())
    .where('public_id', 'is not', null)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.public_id!, userAgent: r.user_agent, address: r.address, createdAt: r.created_at, lastSeenAt: r.last_seen_at }));
}

/** Notes that the session was used now. */
export async function touchSession(db: Db, publicId: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: nowIso() }).where('public_id', '=', publicId).execute();
}

/** Ends one of the user's sessions; false when they have none with that id. */
export async function endSession(db: Db, userId: number, publicId: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('public_id', '=', publicId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every session of the user but `keep`; how many ended. */
export async function endOtherSessions(db: Db, userId: number, keep: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where((eb) => eb.or([eb('public_id', 'is', null), eb('public_id', '!=', keep)])).executeTakeFirst();
  return Number(result.numDeletedRows);
}
