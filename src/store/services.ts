// Services and their per-environment instances (replicas, port, custom domain).
import type { Db } from '../db/open.js';
import type { Environment, Project, Service, ServiceInstance, ServiceInstanceUpdate, SourceType } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import { freeDomainLabel } from './domains.js';
import { listEnvironments } from './projects.js';
import { seal, unseal } from '../secrets.js';
import { repairEd25519Key, sshKeyProblem } from '../ssh-keys.js';
import { nowIso } from './time.js';

export interface ServiceSource {
  type: SourceType;
  gitUrl?: string;
  branch?: string;
  rootDir?: string;
  dockerfilePath?: string;
  image?: string;
}

export const DEFAULT_PORT = 3000;

/** Creates a service with an instance in every environment of its project, in one transaction. */
export interface ServiceCredentials {
  deployKeyPrivateSealed?: string;
  deployKeyPublic?: string;
  webhookSecretSealed?: string;
}

export function createService(db: Db, input: NewServiceInput): Promise<Service> {
  return db.transaction().execute((tx) => insertService(tx, input));
}

export type NewServiceInput = { project: Project; name: string; source: ServiceSource; port?: number; credentials?: ServiceCredentials; composeAppId?: number };

/** Inserts a service and its instances within a transaction the caller holds. */
export async function insertService(tx: Db, input: NewServiceInput): Promise<Service> {
  const { project, name, source } = input;
  if (await findServiceByName(tx, project.id, name)) throw new Conflict(`service ${name} already exists in ${project.name}`);
  // A service and a database share the project network's names.
  if (await tx.selectFrom('databases').select('id').where('project_id', '=', project.id).where('name', '=', name).executeTakeFirst()) throw new Conflict(`${project.name} has a database named ${name}; a service needs another name`);
  const service = await tx
    .insertInto('services')
    .values({
      project_id: project.id,
      name,
      ...sourceColumns(source),
      created_at: nowIso(),
      deploy_key_private_sealed: input.credentials?.deployKeyPrivateSealed ?? null,
      deploy_key_public: input.credentials?.deployKeyPublic ?? null,
      webhook_secret_sealed: input.credentials?.webhookSecretSealed ?? null,
      https_token_sealed: null,
      compose_app_id: input.composeAppId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const env of await listEnvironments(tx, project.id)) {
    const domain_label = await freeDomainLabel(tx, { project: project.name, service: name, environment: env.name });
    await tx.insertInto('service_instances').values({ service_id: service.id, environment_id: env.id, replicas: 1, port: input.port ?? DEFAULT_PORT, domain_label, health_type: 'auto' }).execute();
  }
  return service;
}

/** What a list of services reads of each: its name and source, not its sealed credentials (a
 *  narrow row costs a fraction of a whole one, which counts on pages of a hundred services). */
const LISTED_SERVICE_COLUMNS = ['id', 'project_id', 'name', 'source_type', 'git_url', 'git_branch', 'root_dir', 'dockerfile_path', 'image'] as const;
export type ListedService = Pick<Service, (typeof LISTED_SERVICE_COLUMNS)[number]>;
export const listServices = (db: Db, projectId: number): Promise<ListedService[]> => db.selectFrom('services').select(LISTED_SERVICE_COLUMNS).where('project_id', '=', projectId).orderBy('name').execute();
export const findServiceByName = (db: Db, projectId: number, name: string) =>
  db.selectFrom('services').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();

export async function getService(db: Db, project: Project, name: string): Promise<Service> {
  const service = await findServiceByName(db, project.id, name);
  if (!service) throw new NotFound(`service ${name} not found in ${project.name}`);
  return service;
}

export const getServiceById = (db: Db, id: number) => db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

export async function getInstance(db: Db, service: Service, env: Environment): Promise<ServiceInstance> {
  const instance = await db.selectFrom('service_instances').selectAll().where('service_id', '=', service.id).where('environment_id', '=', env.id).executeTakeFirst();
  if (!instance) throw new NotFound(`service ${service.name} has no instance in ${env.name}`);
  return instance;
}

/** Changes settings of one instance; undefined fields stay as they are. */
export async function updateInstance(db: Db, service: Service, env: Environment, changes: ServiceInstanceUpdate): Promise<ServiceInstance> {
  const set: Record<string, unknown> = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return getInstance(db, service, env);
  if (Object.keys(set).some((k) => k !== 'replicas')) set.changed_at = nowIso();
  await db.updateTable('service_instances').set(set).where('service_id', '=', service.id).where('environment_id', '=', env.id).execute();
  return getInstance(db, service, env);
}

/** Every (project, service, environment) Spur knows, by name and id. */
const instanceNames = (db: Db) =>
  db
    .selectFrom('service_instances')
    .innerJoin('services', 'services.id', 'service_instances.service_id')
    .innerJoin('environments', 'environments.id', 'service_instances.environment_id')
    .innerJoin('projects', 'projects.id', 'services.project_id')
    .select(['services.id as serviceId', 'environments.id as environmentId', 'services.name as service', 'environments.name as environment', 'projects.name as project']);

/** Every (project, service, environment) Spur knows: the set that may own a Swarm service. */
export const listAllInstances = (db: Db) => instanceNames(db).execute();

/** Every service of the given projects in each of its environments, by project, service, environment. */
export function listProjectsInstances(db: Db, projectIds: number[]) {
  if (projectIds.length === 0) return Promise.resolve([]);
  return instanceNames(db).where('projects.id', 'in', projectIds).orderBy('projects.name').orderBy('services.name').orderBy('environments.name').execute();
}

export interface InstanceContext {
  project: Project;
  service: Service;
  environment: Environment;
  instance: ServiceInstance;
}

/** Everything a deploy needs to know about one (service, environment), by ids. */
export async function getInstanceContext(db: Db, ids: { serviceId: number; environmentId: number }): Promise<InstanceContext> {
  const service = await getServiceById(db, ids.serviceId);
  const project = await db.selectFrom('projects').selectAll().where('id', '=', service.project_id).executeTakeFirstOrThrow();
  const environment = await db.selectFrom('environments').selectAll().where('id', '=', ids.environmentId).executeTakeFirstOrThrow();
  return { project, service, environment, instance: await getInstance(db, service, environment) };
}

/** Each service's instance in one environment, as lists show it: the replicas wanted and its
 *  generated domain (a whole row has some thirty columns). */
export const listInstancesIn = (db: Db, environmentId: number) => db.selectFrom('service_instances').select(['service_id', 'replicas', 'domain_label']).where('environment_id', '=', environmentId).execute();

/** Every environment's instance of a service, with its environment. */
export async function listInstancesOf(db: Db, serviceId: number): Promise<(ServiceInstance & { environment: Environment })[]> {
  const instances = await db.selectFrom('service_instances').selectAll().where('service_id', '=', serviceId).execute();
  const envs = await db.selectFrom('environments').selectAll().where('id', 'in', instances.length ? instances.map((i) => i.environment_id) : [0]).execute();
  return instances.map((i) => ({ ...i, environment: envs.find((e) => e.id === i.environment_id)! }));
}

/** What a source change does to a service's credentials: a sealed value to store, or null to
 *  remove it; undefined keeps it. */
export type CredentialChanges = { [K in keyof ServiceCredentials | 'httpsTokenSealed' | 'previewsStatusTokenSealed']?: string | null };

/** The columns that say where a service's versions come from. */
const sourceColumns = (source: ServiceSource) => ({
  source_type: source.type,
  git_url: source.gitUrl ?? null,
  git_branch: source.type === 'image' ? null : (source.branch ?? 'main'),
  root_dir: source.rootDir ?? null,
  dockerfile_path: source.dockerfilePath ?? null,
  image: source.image ?? null,
});

/** Replaces the source of a service (every environment's next deploy uses it) and its credentials
 *  as `credentials` says, in one statement. */
export async function updateServiceSource(db: Db, serviceId: number, source: ServiceSource, credentials: CredentialChanges): Promise<Service> {
  const set = {
    ...sourceColumns(source),
    deploy_key_private_sealed: credentials.deployKeyPrivateSealed,
    deploy_key_public: credentials.deployKeyPublic,
    webhook_secret_sealed: credentials.webhookSecretSealed,
    https_token_sealed: credentials.httpsTokenSealed,
    previews_status_token_sealed: credentials.previewsStatusTokenSealed,
  };
  return db
    .updateTable('services')
    .set(Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)))
    .where('id', '=', serviceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setHttpsToken(db: Db, serviceId: number, sealed: string | null): Promise<void> {
  await db.updateTable('services').set({ https_token_sealed: sealed }).where('id', '=', serviceId).execute();
}

/** A list stored as JSON text (null for none). */
const storedList = (text: string | null): string[] => (text ? (JSON.parse(text) as string[]) : []);

/** An instance's watch patterns; [] for none. */
export const instanceWatchPaths = (i: Pick<ServiceInstance, 'watch_paths'>) => storedList(i.watch_paths);

/** The names of an instance's variables its builds receive as build arguments. */
/** A canary's shares of the traffic, percent, ascending (the default: 10). */
export const canaryStepsOf = (i: Pick<ServiceInstance, 'canary_steps'>): number[] => (i.canary_steps ? (JSON.parse(i.canary_steps) as number[]) : [10]);

export const instanceBuildVariables = (i: Pick<ServiceInstance, 'build_variables'>) => storedList(i.build_variables);

/** Deploy keys an older Spur wrote faultily (ssh2 could not read them back), rewritten from the
 *  same seed; returns the services whose public key changed, to be pasted into the git host again. */
export async function repairDeployKeys(db: Db, key: Buffer): Promise<string[]> {
  const rows = await db
    .selectFrom('services')
    .innerJoin('projects', 'projects.id', 'services.project_id')
    .select(['services.id', 'services.name', 'projects.name as project', 'services.deploy_key_private_sealed as sealed'])
    .where('services.deploy_key_private_sealed', 'is not', null)
    .execute();
  const repaired: string[] = [];
  for (const row of rows) {
    const privateKey = unseal(key, row.sealed!);
    if (!sshKeyProblem(privateKey)) continue;
    const pair = repairEd25519Key(privateKey);
    if (!pair) continue;
    await db.updateTable('services').set({ deploy_key_private_sealed: seal(key, pair.private), deploy_key_public: pair.public }).where('id', '=', row.id).execute();
    repaired.push(`${row.project}/${row.name}`);
  }
  return repaired;
}
