// A user's SSH keys, for git push over SSH.
import type { SshKey } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { addSshKey, removeSshKey } from '../store/ssh-keys.js';
import { requireTo } from './access.js';
import * as validate from '../validate.js';
import { type Actor, type Body } from './common.js';

export const toKeyView = (k: SshKey) => ({ id: k.id, name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, createdAt: k.created_at });

export async function addKey(deps: Deps, user: Actor, body: Body) {
  await requireTo(deps, user, 'keys.manage');
  const v = validate.fields({ key: () => validate.sshPublicKey(body.key), name: () => validate.optional(body.name, (x) => validate.keyName(x)) });
  const key = v.key;
  const comment = typeof body.key === 'string' ? body.key.trim().split(/\s+/).slice(2).join(' ') : '';
  const name = v.name ?? (comment ? validate.keyName(comment.slice(0, 60)) : key.fingerprint.slice(7, 19));
  return toKeyView(await addSshKey(deps.db, user.id, key, name));
}

/** Removes one of the user's own keys (another's id is simply not theirs: nothing happens). */
export async function removeKey(deps: Pick<Deps, 'db'>, user: Actor, id: unknown): Promise<void> {
  await requireTo(deps, user, 'keys.manage');
  await removeSshKey(deps.db, user.id, validate.integer('key id', id, 1, Number.MAX_SAFE_INTEGER));
}
