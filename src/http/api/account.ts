// One's own account: who the token is, one's API tokens and one's SSH keys (for git push).
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import * as tokens from '../../actions/tokens.js';
import { listSshKeys } from '../../store/ssh-keys.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const TokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  scope: z.enum(['read', 'deploy', 'admin']),
  project: z.string().nullable().describe('The one project it may reach; null: every project its user may'),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

const KeyView = z.object({ id: z.number().int(), name: z.string(), algorithm: z.string(), fingerprint: z.string(), createdAt: z.string() });

const Ok = z.object({ ok: z.literal(true) });

export function accountRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Account');
  r.get('/me', { summary: 'Who this token belongs to', answers: [json(200, 'The user', z.object({ email: z.string(), role: z.enum(['member', 'owner']) }))] }, (c) =>
    c.json({ email: c.get('user').email, role: c.get('user').role }),
  );

  // One's own API tokens, as the Account page (actions/tokens.ts: a token makes none that does more than itself).
  r.get('/tokens', { summary: 'Your API tokens (never their secrets)', answers: [json(200, 'The tokens', z.object({ tokens: z.array(TokenView) }))] }, async (c) =>
    c.json({ tokens: await tokens.listTokens(deps, c.get('user')) }),
  );
  r.post(
    '/tokens',
    {
      summary: 'Create an API token; its secret is in this one answer',
      description: 'A token may make tokens only if it is an admin token, and never one that does more than itself: a project-bound one makes tokens of its project only, none that outlives its own expiry.',
      body: z.strictObject({
        name: z.string().nullable().optional().describe('Shown in lists, printable ASCII, at most 64 characters (cli when left out)'),
        scope: z.string().nullable().optional().describe('read (the default), deploy or admin'),
        project: z.string().nullable().optional().describe('The one project the token may reach, such as shop; left out: every project you may'),
        expiresIn: z.string().nullable().optional().describe('How long it lives: minutes, hours or days, such as 90m, 12h, 30d (at most 3650 days)'),
        expiresAt: z.string().nullable().optional().describe('When it expires instead, an ISO time such as 2027-01-31T12:00:00Z'),
      }),
      answers: [json(201, 'The new token, with its secret', z.object({ token: TokenView.extend({ token: z.string().describe('The secret (spur_…); not shown again') }) }))],
    },
    async (c, { body }) => c.json({ token: await tokens.createToken(deps, c.get('user'), body) }, 201),
  );
  r.delete('/tokens/:id', { summary: 'Revoke one of your tokens', answers: [json(200, 'Revoked', Ok)] }, async (c, { params }) => {
    await tokens.revokeToken(deps, c.get('user'), params.id);
    return c.json({ ok: true });
  });

  r.get('/keys', { summary: 'Your SSH keys for git push', answers: [json(200, 'The keys', z.object({ keys: z.array(KeyView) }))] }, async (c) =>
    c.json({ keys: (await listSshKeys(deps.db, c.get('user').id)).map(ops.toKeyView) }),
  );
  r.post(
    '/keys',
    {
      summary: 'Add an SSH public key for git push',
      body: z.strictObject({
        key: z.string().describe('The public key as the .pub file holds it, such as ssh-ed25519 AAAA… laptop'),
        name: z.string().nullable().optional().describe("A label, printable ASCII (the key's comment, or part of its fingerprint, when left out)"),
      }),
      answers: [json(201, 'The new key', z.object({ key: KeyView }))],
    },
    async (c, { body }) => c.json({ key: await ops.addKey(deps, c.get('user'), body) }, 201),
  );
  r.delete('/keys/:id', { summary: 'Remove one of your SSH keys', answers: [json(200, 'Removed', Ok)] }, async (c, { params }) => {
    await ops.removeKey(deps, c.get('user'), params.id);
    return c.json({ ok: true });
  });
}
