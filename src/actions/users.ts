// People, as the Users page and /api/v1/users offer them: who may manage users is asked here, at
// the door (access.ts), before anything is read; each change is made in users/accounts.ts, which
// the server's own `spur user …` commands call directly (the server's console may always).
import type { Deps } from '../deps.js';
import * as accounts from '../users/accounts.js';
import { type Actor, requireTo } from './access.js';
import { SECRET, audit } from './record.js';

type Body = Record<string, unknown>;

export async function listUsers(deps: Pick<Deps, 'db'>, by: Actor): Promise<accounts.UserView[]> {
  await requireTo(deps, by, 'users.manage');
  return accounts.listUsers(deps.db);
}

export async function addUser(deps: Pick<Deps, 'db'>, by: Actor, body: Body): Promise<accounts.UserView> {
  await requireTo(deps, by, 'users.manage');
  const user = await accounts.addUser(deps.db, body);
  await audit(deps, by, 'users.add', { kind: 'user', name: user.email }, { after: user });
  return user;
}

export async function resetPassword(deps: Pick<Deps, 'db'>, by: Actor, email: unknown, password: unknown): Promise<string> {
  await requireTo(deps, by, 'users.manage');
  const whose = await accounts.resetPassword(deps.db, email, password);
  await audit(deps, by, 'users.password', { kind: 'user', name: whose }, { after: { password: SECRET.changed } });
  return whose;
}

export async function deleteUser(deps: Pick<Deps, 'db'>, by: Actor, email: unknown): Promise<string> {
  await requireTo(deps, by, 'users.manage');
  const removed = await accounts.deleteUser(deps.db, by, email);
  await audit(deps, by, 'users.remove', { kind: 'user', name: removed });
  return removed;
}
