// Users (an owner's), as the Users page and `spur user` on the server.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as twoFactor from '../../actions/two-factor.js';
import * as users from '../../actions/users.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const UserView = z.object({
  email: z.string(),
  role: z.enum(['member', 'owner']),
  createdAt: z.string(),
  canSignIn: z.boolean().describe('Has a password'),
  lastActiveAt: z.string().nullable().describe('When they last signed in or used an API token; null: never'),
  twoFactor: z.boolean().optional().describe('Signs in with two factors'),
});

export function userRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Users');
  r.get('/users', { summary: 'Everyone with an account (owners)', answers: [json(200, 'The users', z.object({ users: z.array(UserView) }))] }, async (c) => c.json({ users: await users.listUsers(deps, c.get('user')) }));
  r.post(
    '/users',
    {
      summary: 'Add a user (owners)',
      body: z.strictObject({
        email: z.string().describe('Their email, such as ada@example.com'),
        role: z.string().nullable().optional().describe('member (the default) or owner'),
        password: z.string().nullable().optional().describe('At least 10 characters; left out: they cannot sign in with a password until one is set'),
      }),
      answers: [json(201, 'The new user', z.object({ user: UserView }))],
    },
    async (c, { body }) => c.json({ user: await users.addUser(deps, c.get('user'), body) }, 201),
  );
  r.post(
    '/users/:email/password',
    {
      summary: "Set a user's password, ending their browser sessions (owners)",
      body: z.strictObject({ password: z.string().describe('At least 10 characters') }),
      answers: [json(200, 'Set', z.object({ passwordSet: z.string().describe('Whose') }))],
    },
    async (c, { params, body }) => c.json({ passwordSet: await users.resetPassword(deps, c.get('user'), params.email, body.password) }),
  );
  r.delete(
    '/users/:email',
    { summary: 'Remove a user with their sessions, tokens, keys and memberships (owners)', description: 'Never the last owner, nor yourself.', answers: [json(200, 'Removed', z.object({ removed: z.string() }))] },
    async (c, { params }) => c.json({ removed: await users.deleteUser(deps, c.get('user'), params.email) }),
  );
  // An owner turns off a user's two-factor sign-in (lost phone and recovery codes); recorded.
  r.delete(
    '/users/:email/two-factor',
    { summary: "Turn off a user's two-factor sign-in, as when they lost their phone and recovery codes (owners)", answers: [json(200, 'Turned off', z.object({ twoFactorReset: z.string().describe('Whose') }))] },
    async (c, { params }) => c.json({ twoFactorReset: await twoFactor.resetTwoFactor(deps, c.get('user'), params.email) }),
  );
}
