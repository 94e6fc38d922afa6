// One-click apps: the catalogue (any signed-in user's to read) and deploying one into a project as a Compose app.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as templates from '../../actions/templates.js';
import type { ApiRoutes } from './door.js';
import { ComposeAppView, ComposeDeploymentView } from './compose.js';
import { json } from './schemas.js';

const TemplateView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  website: z.string(),
  logo: z.object({ letters: z.string(), color: z.string() }),
  services: z.array(z.object({ name: z.string(), image: z.string(), port: z.number().int().nullable(), volumes: z.array(z.string()).describe('name:/mount/path') })).describe('The services it makes, the one that gets the domain first'),
  domainService: z.string(),
  secrets: z.array(z.string()).describe('The variables Spur generates at deploy (their names)'),
  settings: z.array(z.object({ name: z.string(), description: z.string(), default: z.string().nullable().describe('null: required') })),
  compose: z.string().describe('Its Compose file'),
});

const Deployed = z.object({
  app: ComposeAppView,
  notes: z.array(z.string()),
  deployment: ComposeDeploymentView.nullable(),
  project: z.string(),
  environment: z.string(),
  template: z.string(),
  url: z.string().describe('Where it will answer: the generated domain of the service that gets it'),
});

export function templateRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Templates');
  r.get(
    '/templates',
    { summary: 'The catalogue of one-click apps, optionally searched', query: z.object({ q: z.string().optional().describe('Words to search for, e.g. analytics') }), answers: [json(200, 'The templates', z.object({ templates: z.array(TemplateView) }))] },
    (c, { query }) => c.json({ templates: templates.listTemplates(query.q) }),
  );
  r.get('/templates/:id', { summary: 'One template of the catalogue', answers: [json(200, 'The template', z.object({ template: TemplateView }))] }, (c, { params }) => c.json({ template: templates.showTemplate(params.id) }));
  r.post(
    '/projects/:project/templates/:id',
    {
      summary: 'Deploy a template into a project as a Compose app',
      description: "Its secrets are generated now, its settings are as given (or their defaults). A template that keeps data on volumes is an admin's to deploy. An app of that name already there is refused.",
      body: z.strictObject({
        name: z.string().optional().describe("The Compose app's name (the template's id when left out)"),
        settings: z.record(z.string(), z.string()).nullable().optional().describe('The template\'s settings, e.g. { "ADMIN_USER": "me" }'),
        environment: z.string().optional().describe('The environment (production when left out)'),
        deploy: z.union([z.boolean(), z.string()]).optional().describe('Deploy it at once (true when left out); false only saves it'),
      }),
      answers: [json(202, 'Saved and being deployed', Deployed), json(201, 'Saved, not deployed', Deployed)],
    },
    async (c, { params, body }) => {
      const deployed = await templates.deployTemplate(deps, c.get('user'), params.project, params.id, body);
      return c.json(deployed, deployed.deployment ? 202 : 201);
    },
  );
}
