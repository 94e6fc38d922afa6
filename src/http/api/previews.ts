// Previews of pull requests (actions/previews.ts): an environment per pull request, made from a base environment.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { EnvQuery, json } from './schemas.js';

const PreviewView = z.object({
  environment: z.string().describe('The preview environment, e.g. pr-12'),
  service: z.string(),
  pullRequest: z.number().int(),
  fork: z.boolean().describe('Whether the pull request comes from a fork'),
  head: z.string().nullable().describe('The commit it runs'),
  expiresAt: z.string().nullable(),
  url: z.string().nullable(),
});

const PreviewSettingsView = z.object({
  on: z.boolean(),
  base: z.string().nullable().describe('The environment previews are made from'),
  copy: z.array(z.string()).describe("The base's variables copied into each preview"),
  ttlHours: z.number().int().describe('Hours an idle preview lives'),
  with: z.string().describe('service: only this service; project: the base\'s other services too'),
  databases: z.string().describe('none, or fresh: empty databases like the base\'s'),
  statusToken: z.boolean().describe("Whether a token is set to post the preview's status to its pull request (never the token)"),
});

export function previewRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Previews');
  r.get('/projects/:project/previews', { summary: "A project's previews of pull requests", answers: [json(200, 'The previews', z.object({ previews: z.array(PreviewView) }))] }, async (c, { params }) =>
    c.json({ previews: await ops.previewsOf(deps, c.get('user'), params.project) }),
  );
  r.get('/projects/:project/services/:service/previews', { summary: "A service's preview settings", query: EnvQuery, answers: [json(200, 'The preview settings', z.object({ previews: PreviewSettingsView }))] }, async (c, { params, query }) =>
    c.json({ previews: ops.previewSettingsOf((await instanceOf(deps, c, { params, query }, 'project.read')).service) }),
  );
  r.put(
    '/projects/:project/services/:service/previews',
    {
      summary: "Turn a service's previews of pull requests on (from a base environment) or off",
      description: 'With on: false (or "off") previews are turned off and the other fields are not read; otherwise base is needed. ttlHours, with, databases and statusToken left out keep their values; copy left out copies none.',
      query: EnvQuery,
      body: z.strictObject({
        on: z.union([z.boolean(), z.string()]).optional().describe('false (or "off") turns previews off; on when left out'),
        base: z.string().optional().describe('The environment previews are made from, e.g. staging (needed to turn them on)'),
        copy: z
          .union([z.array(z.string()), z.string()])
          .nullable()
          .optional()
          .describe('The names of the base\'s variables to copy, as a list or one comma-separated string, e.g. ["API_URL", "GREETING"]; none when left out'),
        ttlHours: z.union([z.number().int(), z.string()]).nullable().optional().describe('Hours an idle preview lives, 1 to 720 (a number or a numeric string)'),
        with: z.string().nullable().optional().describe("service (only this service) or project (the base's other services too)"),
        databases: z.string().nullable().optional().describe("none, or fresh: empty databases like the base's"),
        statusToken: z.string().nullable().optional().describe('A git host API token to post each preview\'s status to its pull request; null or "" removes the one set'),
      }),
      answers: [json(200, 'The preview settings', z.object({ previews: PreviewSettingsView }))],
    },
    async (c, { params, query, body }) => c.json({ previews: await ops.setPreviews(deps, await instanceOf(deps, c, { params, query }, 'previews.change'), body) }),
  );
}
