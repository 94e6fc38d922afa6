// Users' TOTP enrolments and recovery codes. The secret is stored sealed; recovery codes only as
// hashes. Accepting a code's time step and using a recovery code are each one conditional
// UPDATE, so two requests carrying the same code cannot both pass.
import type { Db } from '../db/open.js';
import { seal, sha256, unseal } from '../secrets.js';
import { inTransaction, nowIso } from './time.js';

export interface TwoFactorRecord {
  secret: string;
  enabled: boolean;
  lastStep: number | null;
}

/** A user's enrolment (confirmed or still pending), with the secret unsealed. */
export async function findTwoFactor(db: Db, key: Buffer, userId: number): Promise<TwoFactorRecord | undefined> {
  const row = await db.selectFrom('two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row && { secret: unseal(key, row.secret_sealed), enabled: row.enabled_at !== null, lastStep: row.last_step };
}

/** Whether the user has confirmed two-factor sign-in. */
export async function hasTwoFactor(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('two_factor').select('user_id').where('user_id', '=', userId).where('enabled_at', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

/** Keeps a new secret for an enrolment not yet confirmed (replacing an earlier unconfirmed one);
 *  false when two-factor is already on (it is never replaced that way). */
export async function savePendingSecret(db: Db, key: Buffer, userId: number, secret: string): Promise<boolean> {
  const result = await db
    .insertInto('two_factor')
    .values({ user_id: userId, secret_sealed: seal(key, secret), enabled_at: null, last_step: null, created_at: nowIso() })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_sealed: seal(key, secret), created_at: nowIso() }).where('two_factor.enabled_at', 'is', null))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Accepts a code's time step: only if it is later than the last one accepted (no replay). */
export async function acceptStep(db: Db, userId: number, step: number): Promise<boolean> {
  const result = await db
    .updateTable('two_factor')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export const recoveryCodeHash = (userId: number, code: string) => sha256(`spur recovery code\0${userId}\0${code}`);

/** Turns the pending enrolment on and replaces the user's recovery codes, in one transaction. */
export async function enableTwoFactor(db: Db, userId: number, codeHashes: string[], alsoInTx?: (tx: Db) => Promise<void>): Promise<void> {
  await inTransaction(db, async (t) => {
    await t.updateTable('two_factor').set({ enabled_at: nowIso() }).where('user_id', '=', userId).execute();
    await t.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await t.insertInto('recovery_codes').values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null }))).execute();
    await alsoInTx?.(t);
  });
}

/** Uses one recovery code: true the first time, false for a used or unknown one. */
export async function useRecoveryCode(db: Db, userId: number, codeHash: string): Promise<boolean> {
  const result = await db.updateTable('recovery_codes').set({ used_at: nowIso() }).where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function unusedRecoveryCodes(db: Db, userId: number): Promise<number> {
  const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes the user's enrolment and recovery codes; false when there was none. */
export async function removeTwoFactor(db: Db, userId: number): Promise<boolean> {
  return inTransaction(db, async (t) => {
    await t.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    const result = await t.deleteFrom('two_factor').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}
