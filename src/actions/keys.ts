// A user's SSH keys, for git push over SSH: added and removed, each recorded in the audit log by
// name and fingerprint (API tokens: tokens.ts).
import type { SshKey } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { addSshKey, listSshKeys, removeSshKey } from '../store/ssh-keys.js';
import { requireTo } from './access.js';
import * as validate from '../validate.js';
import { type Actor, type Body } from './common.js';
import { audit } from './record.js';

export const toKeyView = (k: SshKey) => ({ id: k.id, name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, createdAt: k.created_at });

export async function addKey(deps: Deps, user: Actor, body: Body) {
  await requireTo(deps, user, 'keys.manage');
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
  await requireTo(deps, user, 'keys.manage');
  const id = validate.integer('key id', idParam, 1, Number.MAX_SAFE_INTEGER);
  const key = (await listSshKeys(deps.db, user.id)).find((k) => k.id === id);
  await removeSshKey(deps.db, user.id, id);
  await audit(deps, user, 'keys.remove', { kind: 'ssh-key', id, name: key?.name ?? null }, { before: key && { name: key.name, fingerprint: key.fingerprint } });
}

