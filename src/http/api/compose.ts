// Compose apps: a Compose file kept as a group of a project's services. PUT saves (creates or
// replaces) the file, with `deploy: true` deploys it too; a deployment of the app is one group deployment.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as compose from '../../actions/compose.js';
import * as validate from '../../validate.js';
import type { ApiRoutes } from './door.js';
import { Confirm, EnvQuery, json } from './schemas.js';

const BooleanLike = z.union([z.boolean(), z.string()]);

export const ComposeAppView = z.object({
  name: z.string(),
  services: z.array(z.string()),
  updatedAt: z.string(),
  repository: z.object({ url: z.string(), branch: z.string(), path: z.string() }).nullable().describe('Where its file is read from at each deploy; null: pasted'),
});

export const ComposeDeploymentView = z.object({
  id: z.number().int(),
  environment: z.string(),
  status: z.string().describe('deploying, active, failed or superseded'),
  rollbackOf: z.number().int().nullable(),
  trigger: z.string(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  members: z.array(
    z.object({
      service: z.string(),
      deployment: z.number().int().nullable(),
      changed: z.boolean().describe('false: it served on as it was (its definition had not changed)'),
      status: z.string().nullable(),
    }),
  ),
});

const Saved = z.object({ app: ComposeAppView, notes: z.array(z.string()).describe('What Spur read differently or ignored (an unset variable, a key it does not use), each with its line'), deployment: ComposeDeploymentView.nullable() });

export function composeRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Compose apps');
  r.get('/projects/:project/compose', { summary: "A project's Compose apps", answers: [json(200, 'The apps', z.object({ apps: z.array(ComposeAppView) }))] }, async (c, { params }) =>
    c.json({ apps: await compose.listComposeAppsOf(deps, c.get('user'), params.project) }),
  );
  r.get(
    '/projects/:project/compose/:name',
    { summary: 'A Compose app, with its group deployments in one environment, newest first', query: EnvQuery, answers: [json(200, 'The app', z.object({ app: ComposeAppView, environment: z.string(), deployments: z.array(ComposeDeploymentView) }))] },
    async (c, { params, query }) => c.json(await compose.showComposeApp(deps, c.get('user'), params.project, params.name, { environment: query.env })),
  );
  r.put(
    '/projects/:project/compose/:name',
    {
      summary: 'Save a Compose app (create it or replace its file), and deploy it with deploy: true',
      description:
        'The file is pasted (`file`) or read from a repository (`git`, `branch`, `path`: read again at each deploy, its services with `build` built from it). Every service of the file is created or updated in the environment, in one transaction. A file Spur does not run is refused whole (400) with every problem and its line.',
      body: z.strictObject({
        file: z.string().optional().describe('The Compose file, pasted (at most 256 KiB); not with git'),
        git: z.string().optional().describe('The repository the file is read from, e.g. https://github.com/org/app.git; not with file'),
        branch: z.string().optional().describe('Its branch (main when left out)'),
        path: z.string().optional().describe('The file in the repository (docker-compose.yml when left out)'),
        env: z.string().nullable().optional().describe('The .env file as text; left out, the saved one stays; null or "" for none'),
        environment: z.string().optional().describe('The environment (production when left out)'),
        deploy: BooleanLike.optional().describe('Deploy it once saved: true (or "true", "on", "1")'),
        all: BooleanLike.optional().describe('With deploy: deploy every service, changed or not'),
        create: BooleanLike.optional().describe('Only create: refused (409) when an app of that name exists'),
        trigger: z.string().optional().describe('What started the deploy, as the deployment records it (compose up when left out)'),
      }),
      answers: [json(200, 'Saved', Saved), json(202, 'Saved and being deployed', Saved)],
    },
    async (c, { params, body }) => {
      const saved = await compose.saveComposeApp(deps, c.get('user'), params.project, params.name, body);
      return c.json(saved, saved.deployment ? 202 : 200);
    },
  );
  r.post(
    '/projects/:project/compose/:name/deploy',
    {
      summary: 'Deploy a Compose app as one group deployment',
      description: 'Only the services whose definition changed are deployed (all of them with `all`), in depends_on order; an app read from a repository is read again first.',
      body: z.strictObject({
        environment: z.string().optional().describe('The environment (production when left out)'),
        all: BooleanLike.optional().describe('Deploy every service, changed or not: true (or "true", "on", "1")'),
      }),
      answers: [json(202, 'The group deployment, started', z.object({ deployment: ComposeDeploymentView }))],
    },
    async (c, { params, body }) => c.json({ deployment: await compose.deployComposeApp(deps, c.get('user'), params.project, params.name, body) }, 202),
  );
  r.post(
    '/projects/:project/compose/:name/rollback',
    {
      summary: 'Return every service of a Compose app to an earlier group deployment',
      body: z.strictObject({
        to: z.union([z.number().int(), z.string()]).nullable().optional().describe('The group deployment to return to (the one before what serves when left out)'),
        environment: z.string().optional().describe('The environment (production when left out)'),
      }),
      answers: [json(202, 'The group deployment, started', z.object({ deployment: ComposeDeploymentView }))],
    },
    async (c, { params, body }) => c.json({ deployment: await compose.rollbackComposeApp(deps, c.get('user'), params.project, params.name, body) }, 202),
  );
  r.get(
    '/projects/:project/compose/:name/deployments/:id',
    { summary: 'One group deployment of a Compose app, with its members', answers: [json(200, 'The group deployment', z.object({ deployment: ComposeDeploymentView }))] },
    async (c, { params }) => c.json({ deployment: await compose.composeDeploymentOf(deps, c.get('user'), params.project, params.name, validate.integer('deployment', params.id, 1, Number.MAX_SAFE_INTEGER)) }),
  );
  r.delete(
    '/projects/:project/compose/:name',
    {
      summary: 'Delete a Compose app and every service of it, once its name is typed',
      body: z.strictObject({ ...Confirm.shape, deleteVolumes: BooleanLike.optional().describe("Also remove the services' volumes: true (or \"true\", \"on\", \"1\")") }),
      answers: [json(200, 'Deleted', z.object({ deleted: z.string(), services: z.array(z.string()) }))],
    },
    async (c, { params, body }) => c.json(await compose.deleteComposeApp(deps, c.get('user'), params.project, params.name, body)),
  );
}
