// Two-factor sign-in with TOTP (otplib): enrolment (a secret shown as a QR code and as text,
// confirmed with a first code, then ten single-use recovery codes shown once), the code step of a
// sign-in, turning it off, an owner's reset and the owner's "required of everyone" switch. A code
// is accepted once: its time step must be later than the last one accepted (store/two-factor.ts).
// Every change and every refused code is recorded (record.ts) — never a secret or a code.
// API tokens are not affected: a token is already a second thing the user holds.
import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { Conflict, InvalidFields, NotFound } from '../errors.js';
import { verifyPassword } from '../secrets.js';
import { setTwoFactorRequired, twoFactorRequired } from '../store/settings.js';
import { acceptStep, enableTwoFactor, findTwoFactor, recoveryCodeHash, removeTwoFactor, savePendingSecret, unusedRecoveryCodes, useRecoveryCode } from '../store/two-factor.js';
import { findUserByEmail } from '../store/users.js';
import { SERVER_CONSOLE } from '../users/accounts.js';
import * as validate from '../validate.js';
import { type Actor, requireTo } from './access.js';
import { SECRET, audit } from './record.js';

type D = Pick<Deps, 'db' | 'key'>;

export const RECOVERY_CODES = 10;
/** One period either side: a phone's clock a little off still signs in. */
const EPOCH_TOLERANCE = 30;

const QR_OPTIONS = { type: 'svg', margin: 2, width: 220, errorCorrectionLevel: 'M' } as const;

const userObject = (u: Pick<User, 'id' | 'email'>) => ({ kind: 'user', id: u.id, name: u.email });

export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(deps: D, user: Actor): Promise<TwoFactorStatus> {
  const record = await findTwoFactor(deps.db, deps.key, user.id);
  return { enabled: record?.enabled ?? false, recoveryCodesLeft: record?.enabled ? await unusedRecoveryCodes(deps.db, user.id) : 0 };
}

export interface Enrolment {
  /** Base32, to type into an authenticator by hand. */
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code, made here (no outside service sees the secret). */
  qrSvg: string;
}

/** Starts (or starts again) an enrolment: a new secret, kept sealed until a code confirms it. */
export async function startEnrolment(deps: D, user: Actor): Promise<Enrolment> {
  const secret = generateSecret();
  if (!(await savePendingSecret(deps.db, deps.key, user.id, secret))) throw new Conflict('two-factor sign-in is already on; turn it off first to enrol another device');
  const uri = generateURI({ issuer: 'Spur', label: user.email, secret });
  return { secret, uri, qrSvg: await QRCode.toString(uri, QR_OPTIONS) };
}

/** The pending enrolment again (a refused confirmation shows the same QR code). */
export async function pendingEnrolment(deps: D, user: Actor): Promise<Enrolment | undefined> {
  const record = await findTwoFactor(deps.db, deps.key, user.id);
  if (!record || record.enabled) return undefined;
  const uri = generateURI({ issuer: 'Spur', label: user.email, secret: record.secret });
  return { secret: record.secret, uri, qrSvg: await QRCode.toString(uri, QR_OPTIONS) };
}

/** Whether `code` is the user's current TOTP code, not used before; accepting it uses it up. */
async function acceptTotp(deps: D, userId: number, secret: string, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await verify({ secret, token: code, epochTolerance: EPOCH_TOLERANCE });
  // A TOTP result always carries its time step (the HOTP half of otplib's union does not).
  return result.valid && 'timeStep' in result && (await acceptStep(deps.db, userId, result.timeStep));
}

const typedCode = (code: unknown) => (typeof code === 'string' ? code.replace(/[\s-]/g, '').toLowerCase().slice(0, 64) : '');

/** "abcd-efgh-jkmn-pqrs": 80 random bits in base32 (no 0/1/8/9 to misread). */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(16);
  const chars = Array.from(bytes, (b) => alphabet[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Confirms the pending enrolment with a first code; gives back the recovery codes, this once. */
export async function confirmEnrolment(deps: D, user: Actor, code: unknown): Promise<string[]> {
  const record = await findTwoFactor(deps.db, deps.key, user.id);
  if (!record) throw new InvalidFields({ code: 'start the enrolment first' });
  if (record.enabled) throw new Conflict('two-factor sign-in is already on');
  if (!(await acceptTotp(deps, user.id, record.secret, typedCode(code)))) throw new InvalidFields({ code: 'That code is not right. Type the 6 digits your app shows now.' });
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await enableTwoFactor(deps.db, user.id, codes.map((c) => recoveryCodeHash(user.id, c.replace(/-/g, ''))), (tx) =>
    audit(deps, user, 'two-factor.enrol', userObject(user), { after: { twoFactor: 'on', recoveryCodes: RECOVERY_CODES }, tx }),
  );
  return codes;
}

export type SecondFactor = 'totp' | 'recovery';

/** The code step of a sign-in: a current TOTP code (once) or an unused recovery code (used up).
 *  A refused code is recorded; so is a recovery code used. */
export async function checkSignInCode(deps: D, user: Actor, code: unknown): Promise<SecondFactor | undefined> {
  const record = await findTwoFactor(deps.db, deps.key, user.id);
  if (!record?.enabled) return undefined;
  const typed = typedCode(code);
  if (await acceptTotp(deps, user.id, record.secret, typed)) return 'totp';
  if (typed.length === 16 && (await useRecoveryCode(deps.db, user.id, recoveryCodeHash(user.id, typed)))) {
    await audit(deps, user, 'two-factor.recovery-code', userObject(user), { after: { recoveryCodesLeft: await unusedRecoveryCodes(deps.db, user.id) } });
    return 'recovery';
  }
  await audit(deps, user, 'two-factor.code', userObject(user), { outcome: 'refused' });
  return undefined;
}

/** Turns one's own two-factor sign-in off, given a current code or one's password. */
export async function disableTwoFactor(deps: D, user: Actor, body: Record<string, unknown>): Promise<void> {
  const record = await findTwoFactor(deps.db, deps.key, user.id);
  if (!record?.enabled) throw new Conflict('two-factor sign-in is not on');
  const password = typeof body.password === 'string' ? body.password : '';
  const row = await findUserByEmail(deps.db, user.email);
  const byPassword = password !== '' && row?.password_hash ? await verifyPassword(password, row.password_hash) : false;
  if (!byPassword && !(await acceptTotp(deps, user.id, record.secret, typedCode(body.code)))) {
    await audit(deps, user, 'two-factor.disable', userObject(user), { outcome: 'refused' });
    throw new InvalidFields({ code: 'Type a current code from your app, or your password.' });
  }
  await removeTwoFactor(deps.db, user.id);
  await audit(deps, user, 'two-factor.disable', userObject(user), { before: { twoFactor: 'on' }, after: { twoFactor: 'off' } });
}

/** An owner turns off another user's two-factor sign-in (a lost phone and lost recovery codes);
 *  the server's own console may too (`spur user two-factor-reset`: the only owner's way back). */
export async function resetTwoFactor(deps: Pick<Deps, 'db'>, by: Actor | typeof SERVER_CONSOLE, email: unknown): Promise<string> {
  if (by !== SERVER_CONSOLE) await requireTo(deps, by, 'users.manage');
  const address = validate.email(email);
  const user = await findUserByEmail(deps.db, address);
  if (!user) throw new NotFound(`there is no user ${address}`);
  if (!(await removeTwoFactor(deps.db, user.id))) throw new Conflict(`${address} does not have two-factor sign-in on`);
  const who = by === SERVER_CONSOLE ? ({ kind: 'system', name: SERVER_CONSOLE, via: 'cli' } as const) : by;
  await audit(deps, who, 'two-factor.reset', userObject(user), { before: { twoFactor: 'on', secret: SECRET.removed }, after: { twoFactor: 'off' } });
  return address;
}

export async function isTwoFactorRequired(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return twoFactorRequired(deps.db);
}

/** The owner's switch: require two-factor sign-in of everyone. */
export async function setTwoFactorRequirement(deps: Pick<Deps, 'db'>, by: Actor, on: boolean): Promise<void> {
  await requireTo(deps, by, 'settings.change');
  const before = await twoFactorRequired(deps.db);
  await setTwoFactorRequired(deps.db, on);
  await audit(deps, by, 'settings.two-factor', { kind: 'settings', name: 'require two-factor' }, { before: { required: before }, after: { required: on } });
}
