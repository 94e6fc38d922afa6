// A user's own credentials: SSH keys (for git push over SSH) and API tokens, added and removed,
// each recorded in the audit log by name (a token's secret never).
import type { SshKey } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { addSshKey, listSshKeys, removeSshKey } from '../store/ssh-keys.js';
import * as accounts from '../users/accounts.js';
import * as validate from '../validate.js';
import { type Actor, type Body } from './common.js';
import { audit } from './record.js';

export const toKeyView = (k: SshKey) => ({ id: k.id, name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, createdAt: k.created_at });

export async function addKey(deps: Deps, user: Actor, body: Body) {
  const v = validate.fields({ key: () => validate.sshPublicKey(body.key), name: () => validate.optional(body.name, (x) => validate.keyName(x)) });
  const key = v.key;
  const comment = typeof body.key === 'string' ? body.key.trim().split(/\s+/).slice(2).join(' ') : '';
  const name = v.name ?? (comment ? validate.keyName(comment.slice(0, 60)) : key.fingerprint.slice(7, 19));
  const added = await addSshKey(deps.db, user.id, key, name);
  await audit(deps, user, 'keys.add', { kind: 'ssh-key', id: added.id, name: added.name }, { after: { name: added.name, fingerprint: added.fingerprint } });
  return toKeyView(added);
}

/** Removes one of the user's own keys (another's, or none, is "not found"). */
export async function removeKey(deps: Pick<Deps, 'db'>, user: Actor, idParam: unknown): Promise<void> {
  const id = validate.integer('key id', idParam, 1, Number.MAX_SAFE_INTEGER);
  const key = (await listSshKeys(deps.db, user.id)).find((k) => k.id === id);
  await removeSshKey(deps.db, user.id, id);
  await audit(deps, user, 'keys.remove', { kind: 'ssh-key', id, name: key?.name ?? null }, { before: key && { name: key.name, fingerprint: key.fingerprint } });
}

/** A new API token of the user's own: its secret is in this answer only, and never in the log. */
export async function mintOwnToken(deps: Pick<Deps, 'db'>, user: Actor, name: unknown): Promise<{ name: string; token: string }> {
  const minted = await accounts.mintToken(deps.db, user.id, name);
  await audit(deps, user, 'tokens.create', { kind: 'api-token', name: minted.name }, { after: { name: minted.name } });
  return minted;
}

/** Revokes one of the user's own tokens (another's, or none, is "not found"). */
export async function revokeOwnToken(deps: Pick<Deps, 'db'>, user: Actor, idParam: unknown): Promise<void> {
  const token = (await accounts.listTokens(deps.db, user.id)).find((t) => String(t.id) === String(idParam));
  await accounts.revokeToken(deps.db, user.id, idParam);
  await audit(deps, user, 'tokens.revoke', { kind: 'api-token', id: token?.id ?? null, name: token?.name ?? null }, { before: token && { name: token.name } });
}
