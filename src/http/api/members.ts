// Project members, with their roles (the project's admins' and the owners'), as the Members page,
// and the invitations that make new ones.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const Role = z.string().describe('admin, developer or viewer');

const MemberView = z.object({
  email: z.string(),
  role: Role,
  since: z.string().nullable().describe('When they joined; null for members from before invitations'),
  lastSeenAt: z.string().nullable().describe('Their last signed-in page or API call, anywhere in Spur'),
});

const InvitationView = z.object({ id: z.number().int(), email: z.string(), role: Role, invitedBy: z.string(), createdAt: z.string(), expiresAt: z.string() });

export function memberRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Members');
  r.get('/projects/:project/members', { summary: "A project's members, with their roles", answers: [json(200, 'The members', z.object({ members: z.array(MemberView) }))] }, async (c, { params }) =>
    c.json({ members: await ops.listMembers(deps, c.get('user'), params.project) }),
  );
  // Adds a member, or with an existing member's email, gives them this role.
  r.post(
    '/projects/:project/members',
    {
      summary: "Add a user to a project, or give a member another role",
      description: 'The user must exist (404 otherwise: invite a new person instead). Nobody gives a role above their own, and a project keeps at least one admin.',
      body: z.strictObject({
        email: z.string().describe("The user's email, e.g. ana@example.com"),
        role: Role.nullable().optional().describe('admin, developer or viewer (developer when left out)'),
      }),
      answers: [json(201, 'The member, with their role', z.object({ member: z.object({ email: z.string(), role: Role }) }))],
    },
    async (c, { params, body }) => c.json({ member: await ops.addMember(deps, c.get('user'), params.project, body) }, 201),
  );
  r.delete('/projects/:project/members/:email', { summary: 'Remove a member from a project', answers: [json(200, 'Removed', z.object({ ok: z.literal(true) }))] }, async (c, { params }) => {
    await ops.removeMember(deps, c.get('user'), params.project, params.email);
    return c.json({ ok: true });
  });
  // One's own leaving (never the project's last admin).
  r.post('/projects/:project/leave', { summary: 'Leave a project yourself (never as its last admin)', answers: [json(200, 'Left', z.object({ left: z.string() }))] }, async (c, { params }) => {
    await ops.leaveProject(deps, c.get('user'), params.project);
    return c.json({ left: params.project });
  });
  // Invitations (as the Members page): a new one's link is in this one answer when it was not mailed.
  r.get('/projects/:project/invitations', { summary: "A project's pending invitations", answers: [json(200, 'The invitations', z.object({ invitations: z.array(InvitationView) }))] }, async (c, { params }) =>
    c.json({ invitations: await ops.listInvitations(deps, c.get('user'), params.project) }),
  );
  r.post(
    '/projects/:project/invitations',
    {
      summary: 'Invite an email to a project with a role',
      description: 'Mailed when Spur has an email server; otherwise (or when sending fails) the link is in this one answer, never shown again.',
      body: z.strictObject({
        email: z.string().describe('Who to invite, e.g. ana@example.com'),
        role: Role.nullable().optional().describe('admin, developer or viewer (developer when left out)'),
        days: z.union([z.number().int(), z.string()]).nullable().optional().describe('How many days the link works, 1 to 30 (7 when left out; a number or a numeric string)'),
      }),
      answers: [
        json(
          201,
          'The invitation',
          z.object({
            invitation: InvitationView,
            emailed: z.boolean(),
            link: z.string().nullable().describe('The link, when it was not mailed: shown once, never stored'),
            mailError: z.string().nullable().describe('Why a configured email server did not take the message'),
          }),
        ),
      ],
    },
    async (c, { params, body }) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await ops.invite(deps, c.get('user'), params.project, body), 201);
    },
  );
  r.delete('/projects/:project/invitations/:id', { summary: 'Revoke a pending invitation: its link no longer works', answers: [json(200, 'The revoked invitation', z.object({ revoked: InvitationView }))] }, async (c, { params }) =>
    c.json({ revoked: await ops.cancelInvitation(deps, c.get('user'), params.project, params.id) }),
  );
}
