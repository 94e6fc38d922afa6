// Stubbed checks: every action of MAY × every token scope × bound to a project or not, against a
// table written here by hand. An action this table does not name fails the test (no action is
// allowed to a token by default: a new one must be put in one of the lists below).
import { describe, expect, it } from 'vitest';
import { MAY, type Action, SCOPES, mayDo } from './access.js';
import type { TokenGrant } from './record.js';

/** Reading, never a secret's value. */
const READ: Action[] = ['projects.every', 'project.read', 'logs.read', 'variables.read-names', 'project-audit.read', 'audit.read', 'tokens.read'];
/** Shipping what is there. */
const DEPLOY: Action[] = ['deploy', 'rollback', 'cancel', 'requests.cancel'];
/** Everything else: changes, secrets, and what an SSH key or a new token could do. */
const ADMIN: Action[] = [
  'project.create', 'build-limits.raise', 'settings.change', 'servers.manage', 'users.manage', 'update.start', 'service.create', 'service.change',
  'service.git-access', 'variables.change', 'backups.create', 'project.delete', 'members.manage', 'environment.create', 'environment.delete',
  'service.delete', 'variables.reveal', 'domains.change', 'volumes.change', 'volumes.restore', 'database.create', 'database.change', 'database.delete',
  'database.restore', 'database.credentials', 'backups.download', 'tokens.manage', 'keys.manage', 'project.leave', 'environment.protect',
  'requests.decide', 'alerts.manage', 'webhooks.manage', 'run', 'jobs.change', 'previews.change', 'console.open',
];
/** What a project-bound token may do outside any project: its own tokens (of its project) only. */
const BOUND_OUTSIDE: Action[] = ['tokens.read', 'tokens.manage'];

const grant = (scope: TokenGrant['scope'], bound: boolean): TokenGrant => ({ id: 1, scope, project: bound ? { id: 7, name: 'shop' } : null, expiresAt: null });
const allowedBy = (scope: string, action: Action) =>
  READ.includes(action) || (DEPLOY.includes(action) && scope !== 'read') || (ADMIN.includes(action) && scope === 'admin');

describe('token scopes at the door', () => {
  it('names every action of MAY in exactly one list of this table', () => {
    const listed = [...READ, ...DEPLOY, ...ADMIN];
    expect(listed.length, 'an action listed twice').toBe(new Set(listed).size);
    expect(Object.keys(MAY).filter((a) => !listed.includes(a as Action)), 'actions of MAY no list names').toEqual([]);
    expect(listed.filter((a) => !(a in MAY)), 'listed actions MAY does not have').toEqual([]);
  });

  it('answers every action × scope × bound or not as the table says, for a role that may everything', () => {
    const wrong: string[] = [];
    for (const action of Object.keys(MAY) as Action[]) {
      for (const scope of SCOPES) {
        for (const bound of [false, true]) {
          // The role is the owner's, who may everything: only the token limits it.
          const want = allowedBy(scope, action) && !(bound && MAY[action].in === 'installation') && (!bound || MAY[action].in !== 'account' || BOUND_OUTSIDE.includes(action));
          const got = mayDo({ role: 'owner', origin: { grant: grant(scope, bound) } }, action);
          if (got !== want) wrong.push(`${action} with a ${scope} token${bound ? ' bound to shop' : ''}: ${got ? 'allowed' : 'refused'}, wanted ${want ? 'allowed' : 'refused'}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('never lets a token do what its role may not', () => {
    for (const action of Object.keys(MAY) as Action[]) {
      for (const role of ['viewer', 'developer', 'admin', 'member']) {
        if (mayDo({ role }, action)) continue;
        for (const scope of SCOPES) expect(mayDo({ role, origin: { grant: grant(scope, false) } }, action), `${role} ${action} ${scope}`).toBe(false);
      }
    }
  });
});
