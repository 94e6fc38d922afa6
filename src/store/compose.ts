// Compose apps, their group deployments and the member deployment of each service in them.
import type { Db } from '../db/open.js';
import type { ComposeApp, ComposeDeployment, ComposeDeploymentMember, ComposeDeploymentStatus } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import { isUniqueViolation } from '../db/errors.js';
import { nowIso } from './time.js';

/** Where a file is read from: a repository, its branch and the file's path (null: pasted). */
export type ComposeFileOrigin = { url: string; branch: string; path: string } | null;

const originColumns = (git: ComposeFileOrigin) => ({ git_url: git?.url ?? null, git_branch: git?.branch ?? null, git_path: git?.path ?? null });

export async function insertComposeApp(tx: Db, input: { projectId: number; name: string; fileSealed: string; dotenvSealed: string | null; git: ComposeFileOrigin }): Promise<ComposeApp> {
  const now = nowIso();
  try {
    return await tx.insertInto('compose_apps').values({ project_id: input.projectId, name: input.name, file_sealed: input.fileSealed, dotenv_sealed: input.dotenvSealed, ...originColumns(input.git), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`the project already has a Compose app named ${input.name}`);
    throw err;
  }
}

export const findComposeApp = (db: Db, projectId: number, name: string) => db.selectFrom('compose_apps').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();

export async function getComposeApp(db: Db, projectId: number, name: string): Promise<ComposeApp> {
  const app = await findComposeApp(db, projectId, name);
  if (!app) throw new NotFound(`no Compose app named ${name} in this project`);
  return app;
}

export const listComposeApps = (db: Db, projectId: number) => db.selectFrom('compose_apps').selectAll().where('project_id', '=', projectId).orderBy('name').execute();

export async function setComposeAppFile(tx: Db, appId: number, file: { fileSealed: string; dotenvSealed: string | null; git: ComposeFileOrigin }): Promise<void> {
  await tx.updateTable('compose_apps').set({ file_sealed: file.fileSealed, dotenv_sealed: file.dotenvSealed, ...originColumns(file.git), updated_at: nowIso() }).where('id', '=', appId).execute();
}

/** The services of the app, by name. */
export const listComposeAppServices = (db: Db, appId: number) => db.selectFrom('services').selectAll().where('compose_app_id', '=', appId).orderBy('name').execute();

export async function insertComposeDeployment(tx: Db, input: { appId: number; environmentId: number; rollbackOf: number | null; fileSealed: string; dotenvSealed: string | null; trigger: string; requestedBy: number | null; members: { serviceId: number; deploymentId: number | null; changed: boolean }[] }): Promise<ComposeDeployment> {
  const row = await tx
    .insertInto('compose_deployments')
    .values({ app_id: input.appId, environment_id: input.environmentId, status: 'deploying', rollback_of: input.rollbackOf, file_sealed: input.fileSealed, dotenv_sealed: input.dotenvSealed, trigger: input.trigger, requested_by: input.requestedBy, failure_reason: null, created_at: nowIso(), finished_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const m of input.members) {
    await tx.insertInto('compose_deployment_members').values({ compose_deployment_id: row.id, service_id: m.serviceId, deployment_id: m.deploymentId, changed: m.changed ? 1 : 0 }).execute();
  }
  return row;
}

export async function setMemberDeployment(db: Db, groupId: number, serviceId: number, deploymentId: number): Promise<void> {
  await db.updateTable('compose_deployment_members').set({ deployment_id: deploymentId }).where('compose_deployment_id', '=', groupId).where('service_id', '=', serviceId).execute();
}

/** Ends a group deployment; an active one supersedes the app's earlier active one there. */
export async function finishComposeDeployment(db: Db, group: ComposeDeployment, status: Exclude<ComposeDeploymentStatus, 'deploying' | 'superseded'>, failureReason: string | null = null): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (status === 'active') {
      await tx.updateTable('compose_deployments').set({ status: 'superseded' }).where('app_id', '=', group.app_id).where('environment_id', '=', group.environment_id).where('status', '=', 'active').execute();
    }
    await tx.updateTable('compose_deployments').set({ status, failure_reason: failureReason, finished_at: nowIso() }).where('id', '=', group.id).execute();
  });
}

export const getComposeDeployment = (db: Db, id: number) => db.selectFrom('compose_deployments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

export const findComposeDeployment = (db: Db, appId: number, id: number) => db.selectFrom('compose_deployments').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();

export const listComposeDeployments = (db: Db, appId: number, environmentId: number, limit = 50) =>
  db.selectFrom('compose_deployments').selectAll().where('app_id', '=', appId).where('environment_id', '=', environmentId).orderBy('id', 'desc').limit(limit).execute();

export const findActiveComposeDeployment = (db: Db, appId: number, environmentId: number) =>
  db.selectFrom('compose_deployments').selectAll().where('app_id', '=', appId).where('environment_id', '=', environmentId).where('status', '=', 'active').orderBy('id', 'desc').executeTakeFirst();

export const findRunningComposeDeployment = (db: Db, appId: number, environmentId: number) =>
  db.selectFrom('compose_deployments').select('id').where('app_id', '=', appId).where('environment_id', '=', environmentId).where('status', '=', 'deploying').executeTakeFirst();

export const listComposeDeploymentsDeploying = (db: Db) => db.selectFrom('compose_deployments').selectAll().where('status', '=', 'deploying').execute();

export const listMembers = (db: Db, groupId: number): Promise<ComposeDeploymentMember[]> => db.selectFrom('compose_deployment_members').selectAll().where('compose_deployment_id', '=', groupId).execute();

/** Members of many group deployments at once (a history page). */
export const listMembersOf = (db: Db, groupIds: number[]) =>
  groupIds.length ? db.selectFrom('compose_deployment_members').selectAll().where('compose_deployment_id', 'in', groupIds).execute() : Promise.resolve([] as ComposeDeploymentMember[]);
