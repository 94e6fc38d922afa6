// Users' SSH public keys, by which Spur's SSH server knows who pushes.
import type { Db } from '../db/open.js';
import type { SshKey } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import type { PublicKey } from '../validate.js';
import { nowIso } from './time.js';

export async function addSshKey(db: Db, userId: number, key: PublicKey, name: string): Promise<SshKey> {
  if (await db.selectFrom('ssh_keys').select('id').where('fingerprint', '=', key.fingerprint).executeTakeFirst()) throw new Conflict(`key ${key.fingerprint} is already added`);
  return db
    .insertInto('ssh_keys')
    .values({ user_id: userId, name, algorithm: key.algorithm, public_key: key.base64, fingerprint: key.fingerprint, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const listSshKeys = (db: Db, userId: number) => db.selectFrom('ssh_keys').selectAll().where('user_id', '=', userId).orderBy('id').execute();

export async function removeSshKey(db: Db, userId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('ssh_keys').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new NotFound(`you have no key ${id}`);
}

/** The key with exactly this algorithm and blob, if any user added it. */
export const findSshKey = (db: Db, algorithm: string, base64: string) =>
  db.selectFrom('ssh_keys').selectAll().where('algorithm', '=', algorithm).where('public_key', '=', base64).executeTakeFirst();
