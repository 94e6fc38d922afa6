// Services: creating (and launching) one, its source, status, settings, git access and build plan, deleting it.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import { SOURCE_CHANGE_NOTE, changeServiceSource } from '../../actions/service-source.js';
import { sourceView } from '../../sources/index.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { Confirm, DeploymentView, EnvQuery, RequestedAnswer, SourceView, json } from './schemas.js';
import { BuildPlanView, ChangeSourceBody, CreateServiceBody, GitAccessView, InstanceStatusView, SettingsBody } from './services-schemas.js';

const ServiceSummary = z.object({ name: z.string(), source: SourceView });

export function serviceRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Services');
  // With `deploy`, created and deployed in one call (the UI's "Create and deploy", the CLI's --deploy).
  r.post(
    '/projects/:project/services',
    {
      summary: 'Create a service from a git repository, git push or an image, and deploy it if asked',
      description: 'Give exactly one source: git (or gitUrl), push, or image. With deploy: true its first deployment is queued in production. Asked to deploy while Docker is away, it creates nothing. A git-push service has nothing to deploy until its first push: notDeployed says so.',
      body: CreateServiceBody,
      answers: [
        json(201, 'The new service, and its first deployment when one was asked', z.object({ service: ServiceSummary, deployment: DeploymentView.optional(), notDeployed: z.string().optional().describe('Why nothing was deployed yet') })),
        json(202, 'Created; its first deploy is held for approval in a protected environment', RequestedAnswer),
      ],
    },
    async (c, { params, body }) => {
      const { service, deployment, notDeployed } = await ops.launchService(deps, c.get('user'), params.project, body, `api:${c.get('user').email}`);
      return c.json({ service: { name: service.name, source: sourceView(service) }, deployment: deployment && ops.toDeploymentView(deployment), notDeployed }, 201);
    },
  );
  r.put(
    '/projects/:project/services/:service/source',
    {
      summary: 'Change where a service comes from: a git repository, git push or an image',
      description: 'What runs keeps serving; the next deploy of each environment uses the new source. A body that names no source keeps the current one; a field left out (or null) keeps its value while the service stays built from git, an empty one clears it. Credentials follow the new kind (a deploy key made or removed, an HTTPS token removed for another repository): notes says what happened.',
      body: ChangeSourceBody,
      answers: [json(200, 'The new source, and what else changed with it', z.object({ service: ServiceSummary, notes: z.array(z.string()) }))],
    },
    async (c, { params, body }) => {
      const change = await changeServiceSource(deps, c.get('user'), { project: params.project, service: params.service }, body);
      return c.json({ service: { name: params.service, source: change.source }, notes: [...change.notes, SOURCE_CHANGE_NOTE] });
    },
  );
  r.get('/projects/:project/services/:service', { summary: 'A service in one environment: its state, settings, deployments and addresses', query: EnvQuery, answers: [json(200, 'The service', InstanceStatusView)] }, async (c, { params, query }) =>
    c.json(await ops.instanceStatus(deps, await instanceOf(deps, c, { params, query }, 'project.read'))),
  );
  r.patch(
    '/projects/:project/services/:service/settings',
    {
      summary: "Change a service's settings in one environment",
      description: 'Replicas, port, health check, limits and reservations, restart policy, command and entrypoint, placement, pre-deploy command, builds, autoscaling and release strategy. Only the fields given change. They take effect with the next deploy (replicas too: POST …/scale applies them at once). Raising a build limit above the server’s default takes an owner.',
      query: EnvQuery,
      body: SettingsBody,
      answers: [json(200, 'The service with its new settings', InstanceStatusView)],
    },
    async (c, { params, query, body }) => {
      await ops.changeSettings(deps, c.get('user'), await instanceOf(deps, c, { params, query }, 'service.change'), body);
      return c.json(await ops.instanceStatus(deps, await instanceOf(deps, c, { params, query }, 'service.change')));
    },
  );
  r.delete(
    '/projects/:project/services/:service',
    {
      summary: 'Delete a service in every environment, with its images and repository',
      body: Confirm.extend({ deleteVolumes: z.union([z.boolean(), z.string()]).nullable().optional().describe("true (or 'on'): delete its volumes' data too; otherwise its Docker volumes are kept") }),
      answers: [json(200, 'Deleted', z.object({ deleted: z.string() }))],
    },
    async (c, { params, body }) => {
      await ops.deleteService(deps, c.get('user'), { project: params.project, service: params.service }, body);
      return c.json({ deleted: params.service });
    },
  );
  r.get('/projects/:project/services/:service/git', { summary: 'Where to push a service built from git, the webhook to give its git host, and its deploy key', query: EnvQuery, answers: [json(200, 'Its git access', GitAccessView)] }, async (c, { params, query }) =>
    c.json(await ops.gitAccess(deps, await instanceOf(deps, c, { params, query }, 'service.git-access'))),
  );
  r.put(
    '/projects/:project/services/:service/credentials',
    {
      summary: 'Set or remove the token used to clone a service over HTTPS',
      description: 'The token is never shown again: the answer says only whether one is set.',
      query: EnvQuery,
      body: z.strictObject({ httpsToken: z.string().nullable().optional().describe('A token that reads the repository (such as a personal access token), one word; empty, null or left out removes it') }),
      answers: [json(200, 'Whether a token is set now', z.object({ httpsToken: z.literal('set').nullable() }))],
    },
    async (c, { params, query, body }) => {
      await ops.changeHttpsToken(deps, await instanceOf(deps, c, { params, query }, 'service.change'), body);
      return c.json({ httpsToken: (await ops.gitAccess(deps, await instanceOf(deps, c, { params, query }, 'service.change'))).httpsToken });
    },
  );
  r.get('/projects/:project/services/:service/build-plan', { summary: 'How the next build would go: the branch head and its Dockerfile, the repository’s or the one Spur writes', query: EnvQuery, answers: [json(200, 'The build plan', BuildPlanView)] }, async (c, { params, query }) =>
    c.json(await ops.previewBuild(deps, await instanceOf(deps, c, { params, query }, 'project.read'))),
  );
}
