// Timestamps as stored (ISO-8601 UTC strings), and running within the caller's transaction.
import type { Db } from '../db/open.js';

export const nowIso = () => new Date().toISOString();

/** Runs `fn` in the caller's transaction when `db` is one (so a change and its audit entry stand
 *  or fall together), else in a transaction of its own. */
export const inTransaction = <T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
