// Deleting a service, an environment or a project: what is queued or building is cancelled, the
// Swarm services, images, networks and repositories it owns are removed, then its records, in one
// transaction. Docker goes first, so a failure leaves the records to retry with.
import { rm } from 'node:fs/promises';
import { projectRepoDir, repoDir } from '../git/repos.js';
import type { Db } from '../db/open.js';
import type { Environment, Project, Service } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import { type InstanceRef, projectNetworkName } from '../docker/names.js';
import { removeInstances, removeOwnedImages, removeOwnedNetwork, removeOwnedVolumes } from '../docker/teardown.js';
import { Conflict } from '../errors.js';
import { listDeploymentsInStatus } from '../store/deployments.js';
import { DEFAULT_ENVIRONMENT, listEnvironments } from '../store/projects.js';
import { listServices } from '../store/services.js';
import { listDatabases } from '../store/databases.js';
import { listServiceVolumeNames } from '../store/volumes.js';
import { removeDatabase } from '../databases/runner.js';
import type { Deployer } from './deployer.js';

export interface RemovalDeps {
  db: Db;
  docker: DockerClient;
  dataDir: string;
  deployer: Pick<Deployer, 'cancel'>;
}

interface Scope {
  project: Project;
  services: Pick<Service, 'id' | 'name'>[];
  environments: Environment[];
}

/** Cancels waiting and building deployments in scope; refuses while one rolls out. */
async function stopDeployments(deps: RemovalDeps, scope: Scope): Promise<void> {
  const serviceIds = new Set(scope.services.map((s) => s.id));
  const envIds = new Set(scope.environments.map((e) => e.id));
  const inScope = (d: { service_id: number; environment_id: number }) => serviceIds.has(d.service_id) && envIds.has(d.environment_id);
  if ((await listDeploymentsInStatus(deps.db, ['deploying'])).some(inScope)) throw new Conflict('a deployment is rolling out here; delete once it has finished');
  for (const s of scope.services) for (const e of scope.environments) await deps.deployer.cancel({ serviceId: s.id, environmentId: e.id }, 'deleted');
}

async function tearDown(deps: RemovalDeps, scope: Scope, opts: { networks: boolean; images: boolean; repos: boolean; databaseData?: boolean }): Promise<void> {
  await stopDeployments(deps, scope);
  const refs: InstanceRef[] = scope.services.flatMap((s) => scope.environments.map((e) => ({ project: scope.project.name, service: s.name, environment: e.name })));
  await removeInstances(deps.docker, refs);
  if (opts.images) for (const s of scope.services) await removeOwnedImages(deps.docker, { project: scope.project.name, service: s.name });
  // An environment's databases go with it (their volumes stay: data is never removed unasked,
  // but for a preview's, made empty for it).
  if (opts.networks) for (const e of scope.environments) for (const d of await listDatabases(deps.db, e.id)) await removeDatabase(deps.docker, { project: scope.project.name, environment: e.name, name: d.name, volume: d.volume_name }, { deleteData: opts.databaseData === true });
  if (opts.networks) for (const e of scope.environments) await removeOwnedNetwork(deps.docker, projectNetworkName({ project: scope.project.name, environment: e.name }));
  if (opts.repos) for (const s of scope.services) await rm(repoDir(deps.dataDir, { projectId: scope.project.id, serviceId: s.id }), { recursive: true, force: true });
}

/** Removes a service; its volumes' data stays unless `deleteVolumes`: then the Docker volumes its
 *  records name go (in every environment), and no other. */
export async function removeService(deps: RemovalDeps, project: Project, service: Service, opts: { deleteVolumes?: boolean } = {}): Promise<void> {
  await tearDown(deps, { project, services: [service], environments: await listEnvironments(deps.db, project.id) }, { networks: false, images: true, repos: true });
  if (opts.deleteVolumes) await removeOwnedVolumes(deps.docker, await listServiceVolumeNames(deps.db, service.id));
  await deps.db.deleteFrom('services').where('id', '=', service.id).execute();
}

export async function removeEnvironment(deps: RemovalDeps, project: Project, environment: Environment): Promise<void> {
  if (environment.name === DEFAULT_ENVIRONMENT) throw new Conflict('production cannot be deleted; delete the project instead');
  await tearDown(deps, { project, services: await listServices(deps.db, project.id), environments: [environment] }, { networks: true, images: false, repos: false, databaseData: environment.preview_pr !== null });
  await deps.db.deleteFrom('environments').where('id', '=', environment.id).execute();
}

export async function removeProject(deps: RemovalDeps, project: Project): Promise<void> {
  await tearDown(deps, { project, services: await listServices(deps.db, project.id), environments: await listEnvironments(deps.db, project.id) }, { networks: true, images: true, repos: true });
  await rm(projectRepoDir(deps.dataDir, project.id), { recursive: true, force: true });
  await deps.db.deleteFrom('projects').where('id', '=', project.id).execute();
}
