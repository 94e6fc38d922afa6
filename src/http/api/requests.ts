// Protected environments and the requests that wait there for an admin (actions/requests.ts).
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as requests from '../../actions/requests.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const RequestView = z.object({
  id: z.number().int(),
  kind: z.string().describe('deploy, rollback, variables or shared-variables'),
  environment: z.string(),
  service: z.string().nullable().describe('null: shared variables'),
  requester: z.string(),
  status: z.string().describe('pending, approved, rejected, expired or cancelled'),
  summary: z.record(z.string(), z.unknown()).describe('What may be shown of it: a commit, variable names (never their values)'),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable().describe('Why it was rejected'),
  deployment: z.number().int().nullable().describe('The deployment its approval queued'),
});

const OneRequest = z.object({ request: RequestView });

export function requestRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Environments and requests');
  r.get(
    '/projects/:project/environments',
    { summary: "A project's environments, with whether each is protected", answers: [json(200, 'The environments', z.object({ environments: z.array(z.object({ name: z.string(), protected: z.boolean() })) }))] },
    async (c, { params }) => c.json({ environments: await requests.environmentsOf(deps, c.get('user'), params.project) }),
  );
  r.put(
    '/projects/:project/environments/:environment/protection',
    {
      summary: 'Protect an environment, or no longer',
      description: "In a protected environment a developer's deploy, rollback or variable change waits for an admin's approval.",
      body: z.strictObject({ protected: z.union([z.boolean(), z.string()]).optional().describe('true (or "true", "on", "1") to protect; false (or "false", "0", or left out) to unprotect') }),
      answers: [json(200, 'The environment as it is now', z.object({ environment: z.string(), protected: z.boolean() }))],
    },
    async (c, { params, body }) => c.json(await requests.protectEnvironment(deps, c.get('user'), { project: params.project, environment: params.environment }, body)),
  );
  r.get('/projects/:project/requests', { summary: "A project's requests, newest first", answers: [json(200, 'The requests', z.object({ requests: z.array(RequestView) }))] }, async (c, { params }) =>
    c.json({ requests: await requests.requestsOf(deps, c.get('user'), params.project) }),
  );
  r.post(
    '/projects/:project/requests/:id/approve',
    { summary: "Approve a pending request: it runs now, as its requester's", answers: [json(200, 'The request, approved', OneRequest)] },
    async (c, { params }) => c.json({ request: await requests.approveRequest(deps, c.get('user'), params.project, params.id) }),
  );
  r.post(
    '/projects/:project/requests/:id/reject',
    {
      summary: 'Reject a pending request, with a reason the requester sees',
      body: z.strictObject({ reason: z.string().describe('Why, in at most 500 characters') }),
      answers: [json(200, 'The request, rejected', OneRequest)],
    },
    async (c, { params, body }) => c.json({ request: await requests.rejectRequest(deps, c.get('user'), params.project, params.id, body) }),
  );
  r.post(
    '/projects/:project/requests/:id/cancel',
    { summary: 'Withdraw your own request (an admin may cancel any)', answers: [json(200, 'The request, cancelled', OneRequest)] },
    async (c, { params }) => c.json({ request: await requests.cancelRequest(deps, c.get('user'), params.project, params.id) }),
  );
}
