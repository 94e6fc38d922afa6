// A service's custom domains in one environment: HTTPS, HSTS and redirects (actions/domains.ts).
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { EnvQuery, json } from './schemas.js';

/** A switch as actions/validate.ts onOff reads it: true/false, 'on'/'off', 'true'/'false', '1'/'0', 1/0. */
const onOff = z.union([z.boolean(), z.string(), z.number().int()]);

const DomainView = z.object({
  hostname: z.string(),
  url: z.string().describe('https:// while its certificate is served, else http://'),
  https: z.boolean(),
  hsts: z.boolean(),
  redirectTo: z.string().nullable().describe('Requests to this domain are sent, permanently, to this one'),
  certificate: z.object({
    status: z.string().describe('off, pending, issuing, active or failed'),
    error: z.string().nullable().describe("The CA's words for the last failed order"),
    expiresAt: z.string().nullable(),
    daysLeft: z.number().nullable(),
    retryAt: z.string().nullable(),
  }),
  dns: z.object({ points: z.enum(['here', 'elsewhere', 'nowhere']), found: z.array(z.string()), expected: z.array(z.string()) }).describe("Where the name points, against this server's addresses"),
  addedAt: z.string(),
});

export function domainRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Domains');
  r.get('/projects/:project/services/:service/domains', { summary: "A service's custom domains, with their certificates and DNS", query: EnvQuery, answers: [json(200, 'The domains', z.object({ domains: z.array(DomainView) }))] }, async (c, { params, query }) =>
    c.json({ domains: await ops.domainsOf(deps, await instanceOf(deps, c, { params, query }, 'project.read')) }),
  );
  r.post(
    '/projects/:project/services/:service/domains',
    {
      summary: 'Add a custom domain to a service; a running service is routed to it at once and its certificate is ordered',
      query: EnvQuery,
      body: z.strictObject({
        hostname: z.string().optional().describe('A hostname of your own, e.g. shop.example.com (a pasted https://Shop.Example.com/ is read as shop.example.com)'),
        domain: z.string().optional().describe('Another name for hostname'),
      }),
      answers: [json(201, 'The new domain', z.object({ domain: DomainView }))],
    },
    async (c, { params, query, body }) => c.json({ domain: await ops.addDomain(deps, await instanceOf(deps, c, { params, query }, 'domains.change'), body) }, 201),
  );
  r.patch(
    '/projects/:project/services/:service/domains/:hostname',
    {
      summary: "Turn a domain's HTTPS or HSTS on or off, or redirect it to another domain of the service",
      query: EnvQuery,
      body: z.strictObject({
        https: onOff.nullable().optional().describe("true or false (also 'on'/'off'); turned on, its certificate is ordered"),
        hsts: onOff.nullable().optional().describe("true or false (also 'on'/'off'): browsers are told to use HTTPS only"),
        redirectTo: z.string().nullable().optional().describe("Another domain of the service to send its requests to, permanently; null, empty or 'none' ends the redirect"),
      }),
      answers: [json(200, 'The domain as it is now', z.object({ domain: DomainView }))],
    },
    async (c, { params, query, body }) => c.json({ domain: await ops.changeDomain(deps, await instanceOf(deps, c, { params, query }, 'domains.change'), params.hostname, body) }),
  );
  r.delete('/projects/:project/services/:service/domains/:hostname', { summary: 'Remove a custom domain from a service', query: EnvQuery, answers: [json(200, 'Removed', z.object({ deleted: z.string() }))] }, async (c, { params, query }) => {
    await ops.removeDomain(deps, await instanceOf(deps, c, { params, query }, 'domains.change'), params.hostname);
    return c.json({ deleted: params.hostname });
  });
}
