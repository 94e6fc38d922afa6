// Events out: a project's events (read, or followed as a stream) and the webhooks they are posted
// to, with each webhook's deliveries and a redelivery.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as events from '../../actions/event-webhooks.js';
import { EVENT_TYPES } from '../../store/event-types.js';
import * as validate from '../../validate.js';
import { projectEventStream } from '../streams.js';
import { tokenCheck } from '../auth.js';
import type { ApiRoutes } from './door.js';
import { json, noContent } from './schemas.js';

const TYPES_NOTE = Object.entries(EVENT_TYPES)
  .map(([t, says]) => `\`${t}\`: ${says}`)
  .join('; ');

const EventView = z.object({
  id: z.number().int(),
  type: z.string().describe(`One of ${Object.keys(EVENT_TYPES).join(', ')}`),
  project: z.string(),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown()).describe('What the event says: a deployment its id, service, environment, status and commit; a backup its database or volume; …'),
});

const WebhookView = z.object({
  id: z.number().int(),
  name: z.string(),
  host: z.string().describe('Where it posts, without the path and query'),
  types: z.array(z.string()).describe('The event types it is sent; ["*"] for every one'),
  createdAt: z.string(),
});

const DeliveryView = z.object({
  id: z.number().int(),
  event: z.number().int(),
  type: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']).describe('pending: to be sent (again) at nextAttemptAt; failed: given up after 9 attempts'),
  attempts: z.number().int(),
  status: z.number().int().nullable().describe("The receiver's HTTP status at the last attempt; null when none answered"),
  error: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});

const NewWebhook = z.strictObject({
  name: z.string().describe('Lowercase letters, digits and hyphens, at most 30, such as ci'),
  url: z.string().describe('Where to POST each event: https:// (http:// on a private network the owner allowed with SPUR_NOTIFY_ALLOW_PRIVATE=1)'),
  secret: z.string().optional().describe('The signing secret, at least 16 characters; left out, Spur makes one and answers it once'),
  types: z.union([z.array(z.string()), z.string()]).optional().describe('The event types to send: a list, or one string separated by commas; left out or "*", every one'),
});

export function eventRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Events');
  r.get(
    '/projects/:project/events',
    {
      summary: "A project's events (its members)",
      description: `Without \`after\`, the newest (oldest first); with it, those recorded after that id. The types: ${TYPES_NOTE}.`,
      query: z.object({
        after: z.string().optional().describe('An event id: only events after it'),
        limit: z.string().optional().describe('At most this many, 1 to 500 (100 when left out)'),
      }),
      answers: [json(200, 'The events', z.object({ events: z.array(EventView) }))],
    },
    async (c, { params, query }) => c.json({ events: await events.projectEvents(deps, c.get('user'), params.project, query) }),
  );
  r.get(
    '/projects/:project/events/stream',
    {
      summary: "A project's events as they happen, as a stream (its members)",
      description: 'Server-sent events: `event` (the event as JSON, its id as the SSE id) for those after `after` (or Last-Event-ID), then for each new one; `problem` (a line of text) if the stream must end: the token revoked or expired, the project no longer yours.',
      query: z.object({ after: z.string().optional().describe('An event id: only events after it (left out: only new ones)') }),
      answers: [{ status: 200, description: 'The events', type: 'sse' }],
    },
    async (c, { params, query }) => {
      const user = c.get('user');
      const newest = await events.projectEvents(deps, user, params.project, { limit: 1 });
      const given = query.after ?? c.req.header('Last-Event-ID');
      const after = given === undefined ? (newest.at(-1)?.id ?? 0) : validate.integer('after', given, 0, Number.MAX_SAFE_INTEGER);
      // Each poll checks again that the token still holds: a revoked one stops hearing.
      const stillHolds = tokenCheck(deps, c);
      return projectEventStream(c, deps, user.id, after, async (last) => {
        await stillHolds();
        return events.projectEvents(deps, user, params.project, { after: last, limit: 100 });
      });
    },
  );

  r.get('/projects/:project/webhooks', { summary: "A project's event webhooks (its admins)", answers: [json(200, 'The webhooks', z.object({ webhooks: z.array(WebhookView) }))] }, async (c, { params }) =>
    c.json({ webhooks: await events.eventWebhooks(deps, c.get('user'), params.project) }),
  );
  r.post(
    '/projects/:project/webhooks',
    {
      summary: 'Add an event webhook to a project (its admins)',
      description:
        'Each event it wants is POSTed as JSON ({ id, type, project, createdAt, data }) with `X-Spur-Event`, `X-Spur-Delivery`, `X-Spur-Timestamp` and `X-Spur-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`. A delivery that is not answered 2xx is tried again after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h and 12 h. At most 10 webhooks a project.',
      body: NewWebhook,
      answers: [json(201, 'The new webhook; with the secret Spur made when none was given (answered only here)', z.object({ webhook: WebhookView.extend({ secret: z.string().optional() }) }))],
    },
    async (c, { params, body }) => c.json({ webhook: await events.addEventWebhook(deps, c.get('user'), params.project, body) }, 201),
  );
  r.delete('/projects/:project/webhooks/:id', { summary: 'Remove an event webhook (its admins)', answers: [noContent('Removed')] }, async (c, { params }) => {
    await events.removeEventWebhook(deps, c.get('user'), params.project, params.id);
    return c.body(null, 204);
  });
  r.get(
    '/projects/:project/webhooks/:id/deliveries',
    { summary: "A webhook's deliveries, newest first (its admins)", description: 'The newest 50.', answers: [json(200, 'The webhook and its deliveries', z.object({ webhook: WebhookView, deliveries: z.array(DeliveryView) }))] },
    async (c, { params }) => c.json(await events.webhookDeliveries(deps, c.get('user'), params.project, params.id)),
  );
  r.post(
    '/projects/:project/webhooks/:id/deliveries/:delivery/redeliver',
    { summary: "Send a delivery's event again, now (its admins)", description: 'As a new delivery; the old one stays in the log.', answers: [json(202, 'The new delivery', z.object({ delivery: z.number().int() }))] },
    async (c, { params }) => c.json(await events.redeliverEvent(deps, c.get('user'), params.project, params.id, params.delivery), 202),
  );
}
