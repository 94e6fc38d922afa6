// Projects and their environments.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { getProjectFor, listProjectsFor } from '../../actions/access.js';
import * as ops from '../../actions/index.js';
import { listEnvironments } from '../../store/projects.js';
import { listServices } from '../../store/services.js';
import { sourceView } from '../../sources/index.js';
import type { ApiRoutes } from './door.js';
import { Confirm, ProjectView, SourceView, json } from './schemas.js';

const ServiceSummary = z.object({ name: z.string(), source: SourceView });

export function projectRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Projects');
  r.get('/projects', { summary: 'The projects you are a member of (every project, for an owner)', answers: [json(200, 'The projects', z.object({ projects: z.array(ProjectView) }))] }, async (c) => {
    const projects = await listProjectsFor(deps.db, c.get('user'));
    return c.json({ projects: await Promise.all(projects.map(async (p) => ops.toProjectView(p, await listEnvironments(deps.db, p.id)))) });
  });
  r.post(
    '/projects',
    {
      summary: 'Create a project, with its production environment',
      body: z.strictObject({ name: z.string().describe('Lowercase letters, digits and dashes, starting with a letter') }),
      answers: [json(201, 'The new project', z.object({ project: ProjectView }))],
    },
    async (c, { body }) => {
      const project = await ops.addProject(deps, c.get('user'), body);
      return c.json({ project: ops.toProjectView(project, await listEnvironments(deps.db, project.id)) }, 201);
    },
  );
  r.get('/projects/:project', { summary: 'A project, with its environments and services', answers: [json(200, 'The project', z.object({ project: ProjectView, services: z.array(ServiceSummary) }))] }, async (c, { params }) => {
    const project = await getProjectFor(deps.db, c.get('user'), params.project, 'project.read');
    const services = await listServices(deps.db, project.id);
    return c.json({ project: ops.toProjectView(project, await listEnvironments(deps.db, project.id)), services: services.map((s) => ({ name: s.name, source: sourceView(s) })) });
  });
  r.delete('/projects/:project', { summary: 'Delete a project with everything in it', body: Confirm, answers: [json(200, 'Deleted', z.object({ deleted: z.string() }))] }, async (c, { params, body }) => {
    await ops.deleteProject(deps, c.get('user'), params.project, body);
    return c.json({ deleted: params.project });
  });
  r.post(
    '/projects/:project/environments',
    { summary: 'Add an environment (such as staging) to a project', body: z.strictObject({ name: z.string().describe('Lowercase letters, digits and dashes') }), answers: [json(201, 'The new environment', z.object({ environment: z.object({ name: z.string() }) }))] },
    async (c, { params, body }) => {
      const env = await ops.addEnvironment(deps, c.get('user'), params.project, body);
      return c.json({ environment: { name: env.name } }, 201);
    },
  );
  r.delete('/projects/:project/environments/:environment', { summary: 'Delete an environment with its services and databases', body: Confirm, answers: [json(200, 'Deleted', z.object({ deleted: z.string() }))] }, async (c, { params, body }) => {
    await ops.deleteEnvironment(deps, c.get('user'), { project: params.project, environment: params.environment }, body);
    return c.json({ deleted: params.environment });
  });
  r.get('/projects/:project/services', { summary: "A project's services", answers: [json(200, 'The services', z.object({ services: z.array(ServiceSummary) }))] }, async (c, { params }) => {
    const project = await getProjectFor(deps.db, c.get('user'), params.project, 'project.read');
    return c.json({ services: (await listServices(deps.db, project.id)).map((s) => ({ name: s.name, source: sourceView(s) })) });
  });
}
