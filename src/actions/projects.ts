// Projects and their environments: creating them, and deleting them with all they hold.
import type { Environment, Project } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { removeEnvironment, removeProject } from '../deploy/removal.js';
import { openProject, requireTo } from './access.js';
import { createEnvironment, createProject, getEnvironment } from '../store/projects.js';
import * as validate from '../validate.js';
import { type Actor, type Body, confirmName, projectObject, removalDeps, requireDaemon } from './common.js';
import { audit } from './record.js';

export async function addProject(deps: Deps, user: Actor, body: Body): Promise<Project> {
  await requireTo(deps, user, 'project.create');
  const { name } = validate.fields({ name: () => validate.resourceName('project', body.name) });
  const project = await createProject(deps.db, name, user.id);
  await audit(deps, user, 'project.create', projectObject(project), { after: { name } });
  return project;
}

export async function addEnvironment(deps: Deps, user: Actor, projectName: string, body: Body): Promise<Environment> {
  const { name } = validate.fields({ name: () => validate.resourceName('environment', body.name) });
  const { project, acting } = await openProject(deps.db, user, projectName, 'environment.create');
  const environment = await createEnvironment(deps.db, project, name);
  await audit(deps, acting, 'environment.create', projectObject(project), { after: { environment: name } });
  return environment;
}

export const toProjectView = (p: Project, envs: Environment[]) => ({ name: p.name, environments: envs.map((e) => e.name), createdAt: p.created_at });

export async function deleteEnvironment(deps: Deps, user: Actor, names: { project: string; environment: string }, body: Body): Promise<void> {
  const { project, acting } = await openProject(deps.db, user, names.project, 'environment.delete');
  const environment = await getEnvironment(deps.db, project, names.environment);
  confirmName(body, environment.name);
  requireDaemon(deps);
  await removeEnvironment(removalDeps(deps), project, environment);
  await audit(deps, acting, 'environment.delete', projectObject(project), { before: { environment: environment.name } });
}

/** An admin (or the owner) deletes a project. */
export async function deleteProject(deps: Deps, user: Actor, name: string, body: Body): Promise<void> {
  const { project, acting } = await openProject(deps.db, user, name, 'project.delete');
  confirmName(body, project.name);
  requireDaemon(deps);
  await removeProject(removalDeps(deps), project);
  await audit(deps, acting, 'project.delete', projectObject(project), { before: { name: project.name } });
}
