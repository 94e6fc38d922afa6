// Compose apps: a Compose file (pasted, with its .env) kept as a group of the project's services.
// Saving the file creates or updates each service's records in one transaction; deploying the app
// is one group deployment (only the services whose definition changed are deployed, in
// depends_on order); a rollback returns every service to one earlier group deployment.
import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { ComposeApp, ComposeDeployment, Environment, Project, Service, ServiceInstanceUpdate } from '../db/schema.js';
import type { Db } from '../db/open.js';
import type { Deps } from '../deps.js';
import { type ComposePlan, type ComposeProblem, type ComposeServicePlan, COMPOSE_LIMITS, planCompose } from '../compose/plan.js';
import { startWaves } from '../compose/start-order.js';
import { serviceVolumeName } from '../docker/service-spec.js';
import { type GroupMemberStep, runComposeGroup } from '../deploy/compose-group.js';
import { removeService } from '../deploy/removal.js';
import { Conflict, InvalidCompose, InvalidInput, NotFound, UpstreamFailed } from '../errors.js';
import { readRepoFile } from '../builds/repo-files.js';
import { checkSource, newCredentials, sourceKind } from '../sources/index.js';
import type { BuiltSourceKind } from '../sources/source-kind.js';
import { seal, unseal } from '../secrets.js';
import * as store from '../store/compose.js';
import { findActiveDeployment, getDeployment } from '../store/deployments.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { DEFAULT_PORT, type ServiceSource, findServiceByName, insertService, updateInstance, updateServiceSource } from '../store/services.js';
import { setVariables } from '../store/variables.js';
import { insertVolume, listVolumes } from '../store/volumes.js';
import * as validate from '../validate.js';
import { type ProjectAccess, openProject, requireAtOnce, requireTo } from './access.js';
import { type Actor, type Body, confirmName, removalDeps, requireDaemon, truthy } from './common.js';
import { type AuditObject, SECRET, audit } from './record.js';

const DOTENV_LIMIT = 64 * 1024;

export const composeObject = (project: Project, app: Pick<ComposeApp, 'id' | 'name'>): AuditObject => ({ kind: 'compose', id: app.id, name: `${project.name}/${app.name}`, projectId: project.id });

export interface ComposeAppView {
  name: string;
  services: string[];
  updatedAt: string;
  /** Where its file is read from at each deploy; null: pasted. */
  repository: { url: string; branch: string; path: string } | null;
}

export interface ComposeMemberView {
  service: string;
  deployment: number | null;
  /** false: it served on as it was (its definition had not changed). */
  changed: boolean;
  status: string | null;
}

export interface ComposeDeploymentView {
  id: number;
  environment: string;
  status: string;
  rollbackOf: number | null;
  trigger: string;
  failureReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  members: ComposeMemberView[];
}

/** Where a file comes from: pasted, or a path of a repository at a branch. */
type FileSource = { pasted: string } | { git: RepositoryFile };
interface RepositoryFile {
  url: string;
  branch: string;
  path: string;
}

/** Saves a Compose file as the app `name` (creating it, or replacing its file): pasted (`file`),
 *  or read from a repository (`git`, `branch`, `path`: it is read again at each deploy, and its
 *  services with `build` build from that repository). Every service of the file is created or
 *  updated in the environment, in one transaction; with `deploy`, the app is then deployed.
 *  Refused whole, with every problem and its line, when the file is not one Spur runs. */
export async function saveComposeApp(deps: Deps, user: Actor, projectName: string, appName: string, body: Body) {
  const { name, source, dotenv, environmentName } = validate.fields({
    name: () => validate.resourceName('compose', appName),
    source: () => fileSourceOf(body),
    // Absent: the saved .env stays; empty: none.
    dotenv: () => (body.env === undefined ? undefined : body.env === null || body.env === '' ? null : dotenvText(body.env)),
    environmentName: () => (body.environment === undefined ? DEFAULT_ENVIRONMENT : validate.resourceName('environment', body.environment)),
  });
  const access = await openProject(deps.db, user, projectName, 'service.create');
  const { project, acting } = access;
  const environment = await getEnvironment(deps.db, project, environmentName);
  const wantsDeploy = truthy(body.deploy);
  const { app, plan, created } = await saveFile(deps, access, environment, { name, source, dotenv, deploy: wantsDeploy, create: truthy(body.create) });
  await audit(deps, acting, created ? 'compose.create' : 'compose.change', composeObject(project, app), { after: { services: plan.services.map((s) => s.name), file: SECRET, ...('git' in source ? { git: source.git } : {}) } });
  const deployment = wantsDeploy ? await startGroupDeployment(deps, access, app, environment, plan, { all: truthy(body.all), trigger: body.trigger === undefined ? 'compose up' : String(body.trigger).slice(0, 100) }) : null;
  return { app: await appView(deps.db, app), notes: plan.notes.map(problemText), deployment };
}

/** Reads the file (from its repository), plans it, checks the doors it needs, and saves it and
 *  its services' records in one transaction. */
async function saveFile(deps: Deps, access: ProjectAccess, environment: Environment, input: { name: string; source: FileSource; dotenv: string | null | undefined; deploy: boolean; create?: boolean }): Promise<{ app: ComposeApp; plan: ComposePlan; created: boolean }> {
  const { project, acting } = access;
  const projectObj = { kind: 'project', id: project.id, name: project.name, projectId: project.id };
  // The services' records and variables change here: in a protected environment, only an admin's.
  await requireAtOnce(deps, acting, 'variables.change', environment, { object: projectObj, doing: 'change a Compose app' });
  const repo = 'git' in input.source ? input.source.git : null;
  const text = repo ? await readRepositoryFile(deps, project.id, repo) : (input.source as { pasted: string }).pasted;
  // No .env given: the saved one stays (it holds passwords generated once).
  const saved = await store.findComposeApp(deps.db, project.id, input.name);
  const dotenv = input.dotenv !== undefined ? input.dotenv : saved?.dotenv_sealed ? unseal(deps.key, saved.dotenv_sealed) : null;
  const planned = planCompose({ text, dotenv, repositoryDir: repo ? posix.dirname(repo.path) : undefined });
  if (!planned.plan) throw new InvalidCompose(planned.problems);
  const plan = planned.plan;
  if (await changesVolumes(deps.db, project, environment, plan)) await requireTo(deps, acting, 'volumes.change', { object: projectObj });
  if (input.deploy) {
    await requireAtOnce(deps, acting, 'deploy', environment, { object: projectObj, doing: 'deploy a Compose app' });
    requireDaemon(deps);
  }
  const sealed = { fileSealed: seal(deps.key, text), dotenvSealed: dotenv === null ? null : seal(deps.key, dotenv), git: repo };
  return deps.db.transaction().execute(async (tx) => {
    const existing = await store.findComposeApp(tx, project.id, input.name);
    if (existing && input.create) throw new Conflict(`${project.name} already has a Compose app named ${input.name}: change it from its page`);
    // A file saved under a group deployment would change what its later waves start with.
    if (existing && (await store.findRunningComposeDeployment(tx, existing.id, environment.id))) throw new Conflict(`${input.name} is being deployed in ${environment.name}; wait for it to end`);
    const previous = existing ? planOf(deps, existing) : null;
    const app = existing ?? (await store.insertComposeApp(tx, { projectId: project.id, name: input.name, ...sealed }));
    if (existing) await store.setComposeAppFile(tx, app.id, sealed);
    await syncServices(tx, deps, { project, environment, app, plan, previous, repo });
    return { app: (await store.findComposeApp(tx, project.id, input.name))!, plan, created: !existing };
  });
}

/** Whether the plan mounts a volume its service does not have yet, or one elsewhere than it is
 *  (adding or moving one is an admin's). */
async function changesVolumes(db: Db, project: Project, environment: Environment, plan: ComposePlan): Promise<boolean> {
  for (const s of plan.services) {
    if (!s.volumes.length) continue;
    const service = await findServiceByName(db, project.id, s.name);
    const have = service ? await listVolumes(db, { serviceId: service.id, environmentId: environment.id }) : [];
    if (s.volumes.some((v) => !have.some((h) => h.name === v.name && h.mount_path === v.mountPath))) return true;
  }
  return false;
}

function fileSourceOf(body: Body): FileSource {
  if (body.git !== undefined && body.git !== '') {
    if (body.file !== undefined && body.file !== '') throw new InvalidInput('file', 'give the file, or the repository it is read from; not both');
    return { git: { url: validate.gitUrl(body.git), branch: body.branch === undefined || body.branch === '' ? 'main' : validate.branch(body.branch), path: body.path === undefined || body.path === '' ? 'docker-compose.yml' : validate.repoPath('path', body.path) } };
  }
  return { pasted: composeText(body.file) };
}

/** The file at `path` of the branch head, read from a shallow clone Spur removes at once. */
async function readRepositoryFile(deps: Deps, projectId: number, repo: RepositoryFile): Promise<string> {
  await checkSource(deps, { type: 'git', gitUrl: repo.url, branch: repo.branch });
  const dir = join(deps.config.dataDir, 'run', `compose-${randomBytes(6).toString('hex')}`);
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  try {
    // Read as a public repository is: no deploy key, no token.
    const reader = { id: 0, git_url: repo.url, deploy_key_private_sealed: null, https_token_sealed: null } as Service;
    await (sourceKind('git') as BuiltSourceKind).fetch(deps, { projectId, service: reader, branch: repo.branch, dir, say: async () => {}, signal: AbortSignal.timeout(120_000) }).catch((err: Error) => {
      throw new UpstreamFailed(`${repo.url}: ${err.message}`);
    });
    // Its real path: a data dir reached through a symlink must not read as outside the clone.
    const text = await readRepoFile(await realpath(dir), repo.path, COMPOSE_LIMITS.bytes);
    if (text === null) throw new InvalidInput('path', `${repo.path} is not in ${repo.url} at branch ${repo.branch}`);
    return text;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deploys the app as one group deployment (`all`: every service, changed or not); an app read
 *  from a repository is read again first. */
export async function deployComposeApp(deps: Deps, user: Actor, projectName: string, appName: string, body: Body): Promise<ComposeDeploymentView> {
  const access = await openProject(deps.db, user, projectName, 'deploy');
  const app = await store.getComposeApp(deps.db, access.project.id, appName);
  const environment = await environmentOf(deps, access.project, body);
  await requireAtOnce(deps, access.acting, 'deploy', environment, { object: composeObject(access.project, app), doing: 'deploy a Compose app' });
  requireDaemon(deps);
  if (app.git_url) {
    // The file is read again and saved: its services and variables change, which takes more than a deploy.
    for (const action of ['service.create', 'variables.change'] as const) await requireTo(deps, access.acting, action, { object: composeObject(access.project, app) });
    const source = { git: { url: app.git_url, branch: app.git_branch ?? 'main', path: app.git_path ?? 'docker-compose.yml' } };
    const { plan } = await saveFile(deps, access, environment, { name: app.name, source, dotenv: undefined, deploy: true });
    return startGroupDeployment(deps, access, app, environment, plan, { all: truthy(body.all), trigger: 'compose deploy' });
  }
  return startGroupDeployment(deps, access, app, environment, planOf(deps, app), { all: truthy(body.all), trigger: 'compose deploy' });
}

/** Returns every service of the app to the deployment each served with in an earlier group
 *  deployment (`to`; by default the one before what serves), and the app's file to that one's. */
export async function rollbackComposeApp(deps: Deps, user: Actor, projectName: string, appName: string, body: Body): Promise<ComposeDeploymentView> {
  const access = await openProject(deps.db, user, projectName, 'rollback');
  const { project, acting } = access;
  const app = await store.getComposeApp(deps.db, project.id, appName);
  const environment = await environmentOf(deps, project, body);
  await requireAtOnce(deps, acting, 'rollback', environment, { object: composeObject(project, app), doing: 'roll back a Compose app' });
  requireDaemon(deps);
  const to = validate.optional(body.to, (v) => validate.integer('to', v, 1, Number.MAX_SAFE_INTEGER));
  const target = await rollbackTarget(deps.db, app, environment, to);
  // A service deleted since is left out: a rollback makes no service.
  const still = new Set((await store.listComposeAppServices(deps.db, app.id)).map((s) => s.name));
  const wholePlan = planOf(deps, { ...target, git_path: app.git_path });
  const targetPlan = { ...wholePlan, services: wholePlan.services.filter((s) => still.has(s.name)) };
  if (await changesVolumes(deps.db, project, environment, targetPlan)) await requireTo(deps, acting, 'volumes.change', { object: composeObject(project, app) });
  await requireAtOnce(deps, acting, 'variables.change', environment, { object: composeObject(project, app), doing: 'roll back a Compose app' });
  const group = await deps.db.transaction().execute(async (tx) => {
    if (await store.findRunningComposeDeployment(tx, app.id, environment.id)) throw new Conflict(`${app.name} is being deployed in ${environment.name}; wait for it to end`);
    await store.setComposeAppFile(tx, app.id, { fileSealed: target.file_sealed, dotenvSealed: target.dotenv_sealed, git: app.git_url ? { url: app.git_url, branch: app.git_branch ?? 'main', path: app.git_path ?? 'docker-compose.yml' } : null });
    const current = planOf(deps, app);
    await syncServices(tx, deps, { project, environment, app, plan: targetPlan, previous: current, repo: app.git_url ? { url: app.git_url, branch: app.git_branch ?? 'main', path: app.git_path ?? '' } : null });
    const members = [];
    for (const m of await store.listMembers(tx, target.id)) {
      if (m.deployment_id === null) continue;
      const serving = await findActiveDeployment(tx, { serviceId: m.service_id, environmentId: environment.id });
      members.push({ serviceId: m.service_id, deploymentId: serving?.id === m.deployment_id ? m.deployment_id : null, changed: serving?.id !== m.deployment_id, target: m.deployment_id, before: serving?.id ?? null });
    }
    const group = await store.insertComposeDeployment(tx, { appId: app.id, environmentId: environment.id, rollbackOf: target.id, fileSealed: target.file_sealed, dotenvSealed: target.dotenv_sealed, trigger: `compose rollback to #${target.id}`, requestedBy: acting.id, members });
    return { group, members };
  });
  await audit(deps, acting, 'compose.rollback', composeObject(project, app), { after: { group: group.group.id, to: target.id } });
  const names = await serviceNames(deps.db, group.members.map((m) => m.serviceId));
  const steps = (name: string): GroupMemberStep | undefined => {
    const m = group.members.find((x) => names.get(x.serviceId) === name);
    return m && { serviceId: m.serviceId, name, action: m.changed ? m.target : 'keep', before: m.before };
  };
  const waves = wavesOf(targetPlan).map((w) => w.map(steps).filter((s): s is GroupMemberStep => s !== undefined));
  void runComposeGroup(deps, group.group, waves, { trigger: group.group.trigger, requestedBy: acting.id });
  return deploymentView(deps.db, group.group, environment);
}

export async function listComposeAppsOf(deps: Deps, user: Actor, projectName: string): Promise<ComposeAppView[]> {
  const { project } = await openProject(deps.db, user, projectName, 'project.read');
  return Promise.all((await store.listComposeApps(deps.db, project.id)).map((a) => appView(deps.db, a)));
}

/** The app, its services and its group deployments in one environment, newest first. */
export async function showComposeApp(deps: Deps, user: Actor, projectName: string, appName: string, body: Body) {
  const { project } = await openProject(deps.db, user, projectName, 'project.read');
  const app = await store.getComposeApp(deps.db, project.id, appName);
  const environment = await environmentOf(deps, project, body);
  const groups = await store.listComposeDeployments(deps.db, app.id, environment.id);
  return { app: await appView(deps.db, app), environment: environment.name, deployments: await Promise.all(groups.map((g) => deploymentView(deps.db, g, environment))) };
}

export async function composeDeploymentOf(deps: Deps, user: Actor, projectName: string, appName: string, id: number): Promise<ComposeDeploymentView> {
  const { project } = await openProject(deps.db, user, projectName, 'project.read');
  const app = await store.getComposeApp(deps.db, project.id, appName);
  const group = await store.findComposeDeployment(deps.db, app.id, id);
  if (!group) throw new NotFound(`no deployment #${id} of ${app.name}`);
  const environment = (await deps.db.selectFrom('environments').selectAll().where('id', '=', group.environment_id).executeTakeFirstOrThrow()) as Environment;
  return deploymentView(deps.db, group, environment);
}

/** The saved file and .env, for a role that may see variables' values. */
export async function composeAppFile(deps: Deps, user: Actor, projectName: string, appName: string): Promise<{ file: string; env: string }> {
  const { project } = await openProject(deps.db, user, projectName, 'variables.reveal');
  const app = await store.getComposeApp(deps.db, project.id, appName);
  return { file: unseal(deps.key, app.file_sealed), env: app.dotenv_sealed === null ? '' : unseal(deps.key, app.dotenv_sealed) };
}

/** Deletes the app and every service of it (their volumes are kept unless asked). */
export async function deleteComposeApp(deps: Deps, user: Actor, projectName: string, appName: string, body: Body): Promise<{ deleted: string; services: string[] }> {
  const { project, acting } = await openProject(deps.db, user, projectName, 'service.delete');
  const app = await store.getComposeApp(deps.db, project.id, appName);
  confirmName(body, app.name);
  requireDaemon(deps);
  const services = await store.listComposeAppServices(deps.db, app.id);
  for (const service of services) await removeService(removalDeps(deps), project, service, { deleteVolumes: truthy(body.deleteVolumes) });
  await deps.db.deleteFrom('compose_apps').where('id', '=', app.id).execute();
  await audit(deps, acting, 'compose.delete', composeObject(project, app), { before: { services: services.map((s) => s.name) } });
  return { deleted: app.name, services: services.map((s) => s.name) };
}

/** After a restart: a group deployment that was under way is over; the members' own deployments
 *  are reconciled by the deployer. */
export async function endInterruptedComposeDeployments(deps: Pick<Deps, 'db'>): Promise<void> {
  for (const group of await store.listComposeDeploymentsDeploying(deps.db)) await store.finishComposeDeployment(deps.db, group, 'failed', 'interrupted: Spur restarted while it ran');
}

function composeText(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidInput('file', 'paste the Compose file');
  if (Buffer.byteLength(value) > COMPOSE_LIMITS.bytes) throw new InvalidInput('file', `must be at most ${COMPOSE_LIMITS.bytes / 1024} KiB`);
  if (value.includes('\0')) throw new InvalidInput('file', 'must not contain NUL');
  return value;
}

function dotenvText(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInput('env', 'is the .env file as text');
  if (Buffer.byteLength(value) > DOTENV_LIMIT) throw new InvalidInput('env', `must be at most ${DOTENV_LIMIT / 1024} KiB`);
  return value;
}

const problemText = (p: ComposeProblem) => `${p.line === null ? '' : `line ${p.line}: `}${p.path ? `${p.path}: ` : ''}${p.message}`;

const environmentOf = async (deps: Deps, project: Project, body: Body) => getEnvironment(deps.db, project, body.environment === undefined || body.environment === '' ? DEFAULT_ENVIRONMENT : validate.resourceName('environment', body.environment));

/** The plan of a file Spur saved (it passed when saved; a later Spur reads it the same way);
 *  `git_path`: where it lies in its repository (a group deployment's is its app's). */
function planOf(deps: Deps, saved: { file_sealed: string; dotenv_sealed: string | null; git_path?: string | null }): ComposePlan {
  const repositoryDir = saved.git_path ? posix.dirname(saved.git_path) : undefined;
  const { plan, problems } = planCompose({ text: unseal(deps.key, saved.file_sealed), dotenv: saved.dotenv_sealed === null ? null : unseal(deps.key, saved.dotenv_sealed), repositoryDir });
  if (!plan) throw new Conflict(`the saved Compose file no longer reads: ${problems.map(problemText).join('; ')}`);
  return plan;
}

const wavesOf = (plan: ComposePlan) => {
  const nodes = plan.services.map((s) => ({ name: s.name, after: s.dependsOn.map((d) => d.service) }));
  return startWaves(nodes, plan.services.map((s) => s.name));
};

/** Creates or updates the Spur records of every service of the plan in `environment`. A variable
 *  the previous file set and this one does not is removed; a volume is never removed here. */
async function syncServices(tx: Db, deps: Deps, input: { project: Project; environment: Environment; app: ComposeApp; plan: ComposePlan; previous: ComposePlan | null; repo: RepositoryFile | null }): Promise<void> {
  const { project, environment, app, plan } = input;
  for (const s of plan.services) {
    const source: ServiceSource =
      'image' in s.source
        ? { type: 'image', image: s.source.image }
        : { type: 'git', gitUrl: input.repo!.url, branch: input.repo!.branch, ...(s.source.build.context !== '.' ? { rootDir: s.source.build.context } : {}), ...(s.source.build.dockerfile ? { dockerfilePath: s.source.build.dockerfile } : {}) };
    let service: Service | undefined = await findServiceByName(tx, project.id, s.name);
    if (service && service.compose_app_id !== app.id) throw new Conflict(`${project.name} already has a service named ${s.name} outside this Compose app; rename one of them`);
    if (!service) service = await insertService(tx, { project, name: s.name, source, port: s.port ?? DEFAULT_PORT, composeAppId: app.id, credentials: newCredentials(deps.key, source, `spur-${project.name}-${s.name}`) });
    else if (sourceChanged(service, source)) service = await updateServiceSource(tx, service.id, source, service.source_type === source.type ? {} : { ...newCredentials(deps.key, source, `spur-${project.name}-${s.name}`) });
    await updateInstance(tx, service, environment, instanceSettings(s));
    const scope = { serviceId: service.id, environmentId: environment.id };
    const before = input.previous?.services.find((p) => p.name === s.name);
    const removed = Object.keys(before?.environment ?? {}).filter((k) => !(k in s.environment));
    await setVariables(tx, deps.key, scope, { ...s.environment, ...Object.fromEntries(removed.map((k) => [k, null])) });
    const volumes = await listVolumes(tx, scope);
    for (const v of s.volumes) {
      const existing = volumes.find((x) => x.name === v.name);
      if (!existing) {
        const dockerName = serviceVolumeName({ project: project.name, service: s.name, environment: environment.name }, v.name, randomNonce());
        await insertVolume(tx, scope, { name: v.name, mountPath: v.mountPath, dockerName });
      } else if (existing.mount_path !== v.mountPath) {
        await tx.updateTable('volumes').set({ mount_path: v.mountPath }).where('id', '=', existing.id).execute();
      }
    }
  }
}

const randomNonce = () => randomBytes(6).toString('hex');

const sourceChanged = (s: Service, to: ServiceSource) =>
  s.source_type !== to.type || s.image !== (to.image ?? null) || s.git_url !== (to.gitUrl ?? null) || s.git_branch !== (to.type === 'image' ? null : (to.branch ?? 'main')) || s.root_dir !== (to.rootDir ?? null) || s.dockerfile_path !== (to.dockerfilePath ?? null);

/** What the Compose service sets on its instance; what it leaves out takes Spur's defaults. */
function instanceSettings(s: ComposeServicePlan): ServiceInstanceUpdate {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const health = s.health;
  return {
    ...(s.port !== null ? { port: s.port } : {}),
    replicas: s.replicas,
    health_type: health.type,
    health_command: health.type === 'command' ? json(health.test) : null,
    ...(health.type === 'http' ? { health_path: health.path, health_port: null, health_start_period_s: health.startPeriodS } : {}),
    ...(health.type === 'command' ? { health_interval_s: Math.min(health.intervalS, 300), health_timeout_s: Math.min(health.timeoutS, 120), health_retries: Math.min(health.retries, 20), health_start_period_s: Math.min(health.startPeriodS, 600) } : {}),
    cpu_limit: s.resources.cpuLimit,
    memory_limit_mb: s.resources.memoryLimitMb,
    cpu_reservation: s.resources.cpuReservation,
    memory_reservation_mb: s.resources.memoryReservationMb,
    restart_policy: s.restart?.condition ?? 'any',
    restart_max_attempts: s.restart?.maxAttempts ?? 0,
    stop_grace_s: Math.min(s.stopGraceS ?? 10, 600),
    container_command: json(s.command),
    container_entrypoint: json(s.entrypoint),
    container_labels: Object.keys(s.labels).length ? json(s.labels) : null,
    container_user: s.user,
    container_workdir: s.workingDir,
    container_init: s.init ? 1 : 0,
  };
}

/** Records a group deployment of the app's saved file and starts it. A service is deployed when
 *  its definition changed since the group deployment that serves, when nothing serves it, or
 *  with `all`; the others serve on. */
async function startGroupDeployment(deps: Deps, access: ProjectAccess, app: ComposeApp, environment: Environment, plan: ComposePlan, opts: { all: boolean; trigger: string }): Promise<ComposeDeploymentView> {
  const { project, acting } = access;
  const current = await deps.db.selectFrom('compose_apps').selectAll().where('id', '=', app.id).executeTakeFirstOrThrow();
  const { group, steps } = await deps.db.transaction().execute(async (tx) => {
    if (await store.findRunningComposeDeployment(tx, app.id, environment.id)) throw new Conflict(`${app.name} is being deployed in ${environment.name}; wait for it to end`);
    const serving = await store.findActiveComposeDeployment(tx, app.id, environment.id);
    const before = serving ? planOf(deps, { ...serving, git_path: current.git_path }) : null;
    const steps = new Map<string, GroupMemberStep>();
    const members = [];
    for (const s of plan.services) {
      const service = await findServiceByName(tx, project.id, s.name);
      if (!service || service.compose_app_id !== app.id) throw new Conflict(`${s.name} is no longer a service of ${app.name}: save the file again`);
      const active = await findActiveDeployment(tx, { serviceId: service.id, environmentId: environment.id });
      const was = before?.services.find((b) => b.name === s.name);
      // A service built from the repository is built again: its code may have changed.
      const changed = opts.all || !active || !was || 'build' in s.source || JSON.stringify(was) !== JSON.stringify(s);
      steps.set(s.name, { serviceId: service.id, name: s.name, action: changed ? 'deploy' : 'keep', before: active?.id ?? null });
      members.push({ serviceId: service.id, deploymentId: changed ? null : active!.id, changed });
    }
    const group = await store.insertComposeDeployment(tx, { appId: app.id, environmentId: environment.id, rollbackOf: null, fileSealed: current.file_sealed, dotenvSealed: current.dotenv_sealed, trigger: opts.trigger, requestedBy: acting.id, members });
    return { group, steps };
  });
  await audit(deps, acting, 'compose.deploy', composeObject(project, app), { after: { group: group.id, environment: environment.name, deployed: [...steps.values()].filter((s) => s.action === 'deploy').map((s) => s.name) } });
  const waves = wavesOf(plan).map((w) => w.map((name) => steps.get(name)!));
  void runComposeGroup(deps, group, waves, { trigger: `${opts.trigger} (${app.name} #${group.id})`, requestedBy: acting.id });
  return deploymentView(deps.db, group, environment);
}

/** The group deployment a rollback returns to: `to`, or the newest that served before what serves. */
async function rollbackTarget(db: Db, app: ComposeApp, environment: Environment, to: number | undefined): Promise<ComposeDeployment> {
  if (to !== undefined) {
    const target = await store.findComposeDeployment(db, app.id, to);
    if (!target || target.environment_id !== environment.id) throw new NotFound(`no deployment #${to} of ${app.name} in ${environment.name}`);
    if (target.status !== 'superseded' && target.status !== 'active') throw new Conflict(`deployment #${to} of ${app.name} never served as a whole (${target.status}); choose one that did`);
    return target;
  }
  const groups = await store.listComposeDeployments(db, app.id, environment.id);
  const serving = groups.find((g) => g.status === 'active');
  const target = groups.find((g) => g.status === 'superseded' && (!serving || g.id < serving.id));
  if (!target) throw new Conflict(`${app.name} has no earlier deployment in ${environment.name} to roll back to`);
  return target;
}

async function serviceNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  const rows = ids.length ? await db.selectFrom('services').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function appView(db: Db, app: ComposeApp): Promise<ComposeAppView> {
  const repository = app.git_url ? { url: app.git_url, branch: app.git_branch ?? 'main', path: app.git_path ?? 'docker-compose.yml' } : null;
  return { name: app.name, services: (await store.listComposeAppServices(db, app.id)).map((s) => s.name), updatedAt: app.updated_at, repository };
}

async function deploymentView(db: Db, group: ComposeDeployment, environment: Environment): Promise<ComposeDeploymentView> {
  const members = await store.listMembers(db, group.id);
  const names = await serviceNames(db, members.map((m) => m.service_id));
  const views: ComposeMemberView[] = [];
  for (const m of members) {
    const d = m.deployment_id === null ? null : await getDeployment(db, m.deployment_id).catch(() => null);
    views.push({ service: names.get(m.service_id) ?? `#${m.service_id}`, deployment: m.deployment_id, changed: m.changed === 1, status: d?.status ?? null });
  }
  return {
    id: group.id,
    environment: environment.name,
    status: group.status,
    rollbackOf: group.rollback_of,
    trigger: group.trigger,
    failureReason: group.failure_reason,
    createdAt: group.created_at,
    finishedAt: group.finished_at,
    members: views.sort((a, b) => a.service.localeCompare(b.service)),
  };
}

