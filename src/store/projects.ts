// Projects and their environments.
import type { Db } from '../db/open.js';
import type { Environment, Project } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import { freeDomainLabel } from './domains.js';
import { nowIso } from './time.js';

export const DEFAULT_ENVIRONMENT = 'production';

/** Creates a project with its `production` environment and its creator as member, in one transaction. */
export async function createProject(db: Db, name: string, creatorId: number): Promise<Project> {
  return db.transaction().execute(async (tx) => {
    if (await findProject(tx, name)) throw new Conflict(`project ${name} already exists`);
    const project = await tx.insertInto('projects').values({ name, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
    // Production is protected from the start: a developer's change there waits for an admin.
    await tx.insertInto('environments').values({ project_id: project.id, name: DEFAULT_ENVIRONMENT, created_at: nowIso(), protected: 1 }).execute();
    await tx.insertInto('project_members').values({ project_id: project.id, user_id: creatorId, role: 'admin', created_at: nowIso() }).execute();
    return project;
  });
}

export const findProject = (db: Db, name: string) => db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();

/** Adds an environment; every existing service gets an instance in it, copying production's settings. */
export async function createEnvironment(db: Db, project: Project, name: string): Promise<Environment> {
  return db.transaction().execute(async (tx) => {
    if (await findEnvironment(tx, project.id, name)) throw new Conflict(`environment ${name} already exists in ${project.name}`);
    const env = await tx.insertInto('environments').values({ project_id: project.id, name, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
    const production = await getEnvironment(tx, project, DEFAULT_ENVIRONMENT);
    const instances = await tx.selectFrom('service_instances').selectAll().where('environment_id', '=', production.id).execute();
    for (const { environment_id: _production, domain_label: _label, ...settings } of instances) {
      const service = await tx.selectFrom('services').select('name').where('id', '=', settings.service_id).executeTakeFirstOrThrow();
      const domain_label = await freeDomainLabel(tx, { project: project.name, service: service.name, environment: name });
      await tx.insertInto('service_instances').values({ ...settings, environment_id: env.id, domain_label }).execute();
    }
    return env;
  });
}

export const listEnvironments = (db: Db, projectId: number) =>
  db.selectFrom('environments').selectAll().where('project_id', '=', projectId).orderBy('id').execute();

const findEnvironment = (db: Db, projectId: number, name: string) =>
  db.selectFrom('environments').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();

export async function getEnvironment(db: Db, project: Project, name: string): Promise<Environment> {
  const env = await findEnvironment(db, project.id, name);
  if (!env) throw new NotFound(`environment ${name} not found in ${project.name}`);
  return env;
}
