// The actions behind both the web pages and the JSON API: input passes the validation gate here,
// then goes to the store or the deployer. Routes only parse transport and render.
import { randomBytes } from 'node:crypto';
import { MANAGER_PLACEMENT } from '../nodes/placement.js';
import { findNode, listNodes } from '../store/nodes.js';
import type { Deployment, Environment, Project, Service, ServiceInstance, ServiceInstanceUpdate, SshKey, User, Volume } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { isUnderDomain, projectNetworkName, swarmServiceName } from '../docker/names.js';
import { serviceVolumeName } from '../docker/service-spec.js';
import { scaleService } from '../docker/swarm.js';
import { serviceTaskSummary } from '../docker/running-tasks.js';
import { type ShownState, serviceState } from './service-state.js';
import { describeReplicas } from '../deploy/replicas.js';
import { toStepsView } from '../deploy/step-view.js';
import { listDeploymentSteps } from '../store/deployment-steps.js';
import { checkRunImage } from '../builds/base-images.js';
import { checkGitHost } from '../git/host.js';
import { applyRouting, routeFor } from '../deploy/routing.js';
import { routeUrls } from '../routing/instance-route.js';
import type { DnsAnswer } from '../routing/dns-check.js';
import { removeEnvironment, removeProject, removeService } from '../deploy/removal.js';
import { DockerUnavailable, Forbidden, InvalidFields, InvalidInput, NotFound } from '../errors.js';
import { type DeploymentRequest, type Requester, findActiveDeployment, getDeployment, listDeployments } from '../store/deployments.js';
import { addProjectMember, canAccessProject, getProjectFor, listProjectMembers, removeProjectMember } from '../store/access.js';
import { addSshKey } from '../store/ssh-keys.js';
import { type DomainWithCertificate, addDomain as storeAddDomain, listDomains, removeDomain as storeRemoveDomain, setDomainOptions } from '../store/domains.js';
import { daysLeft } from '../tls/renewal-policy.js';
import { spurDomain } from '../store/settings.js';
import { addVolume as storeAddVolume, listVolumes, removeVolumeRecord } from '../store/volumes.js';
import { findUserByEmail } from '../store/users.js';
import { DEFAULT_ENVIRONMENT, createEnvironment, createProject, getEnvironment } from '../store/projects.js';
import { type InstanceContext, type ServiceCredentials, type ServiceSource, createService, getInstance, getInstanceContext, getService, instanceBuildVariables, instanceWatchPaths, setHttpsToken, updateInstance } from '../store/services.js';
import { generateSshKeyPair } from '../ssh-keys.js';
import { randomToken, seal, unseal } from '../secrets.js';
import { listVariableNames, readVariables, setVariables } from '../store/variables.js';
import { parseDotEnv } from '../variables/dotenv.js';
import { type ReferenceSources, ReferencesTooLarge, UnresolvedReference, referencesIn, resolveReferences } from '../variables/references.js';
import { referenceSources } from '../databases/reference-sources.js';
import * as validate from '../validate.js';

type Body = Record<string, unknown>;

type Actor = Pick<User, 'id' | 'role' | 'email'>;

// Refusals name the body field they belong to (validate.fields), so a form can put each beside its input.

export async function addProject(deps: Deps, user: Actor, body: Body): Promise<Project> {
  const { name } = validate.fields({ name: () => validate.resourceName('project', body.name) });
  return createProject(deps.db, name, user.id);
}

export async function addEnvironment(deps: Deps, user: Actor, projectName: string, body: Body): Promise<Environment> {
  const { name } = validate.fields({ name: () => validate.resourceName('environment', body.name) });
  return createEnvironment(deps.db, await getProjectFor(deps.db, user, projectName), name);
}

const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1';

/** Reads a service definition: exactly one of a git repository, git push, or an image. */
export function parseServiceSource(body: Body): ServiceSource {
  const v = validate.fields({
    git: () => validate.optional(body.git ?? body.gitUrl, validate.gitUrl),
    image: () => validate.optional(body.image, validate.imageRef),
    branch: () => validate.optional(body.branch, validate.branch),
    rootDir: () => validate.optional(body.rootDir ?? body.root, (x) => validate.repoPath('root directory', x)),
    dockerfilePath: () => validate.optional(body.dockerfilePath ?? body.dockerfile, (x) => validate.repoPath('Dockerfile path', x)),
  });
  const push = truthy(body.push);
  if ([v.git, v.image, push].filter(Boolean).length > 1) throw new InvalidFields({ source: 'source: give one source: a git repository, git push, or an image' });
  if (v.image) return { type: 'image', image: v.image };
  const paths = { rootDir: v.rootDir, dockerfilePath: v.dockerfilePath };
  if (push) return { type: 'push', branch: v.branch ?? 'main', ...paths };
  if (!v.git) throw new InvalidFields({ source: 'source: give a git repository (git URL), git push, or an image' });
  return { type: 'git', gitUrl: v.git, branch: v.branch ?? 'main', ...paths };
}

export async function addService(deps: Deps, user: Actor, projectName: string, body: Body): Promise<Service> {
  const { name, source, port } = validate.fields({
    name: () => validate.resourceName('service', body.name),
    source: () => parseServiceSource(body),
    port: () => validate.optional(body.port, validate.port),
  });
  const project = await getProjectFor(deps.db, user, projectName);
  await checkSource(deps, source);
  return createService(deps.db, { project, name, source, port, credentials: newCredentials(deps.key, source, `spur-${project.name}-${name}`) });
}

/** The checks a source passes beyond its syntax, at creation and at each change: a git host that
 *  resolves to an address Spur may clone from, an image that is not one Spur built. */
export async function checkSource(deps: Pick<Deps, 'docker' | 'config'>, source: ServiceSource): Promise<void> {
  if (source.gitUrl) await checkGitHost(source.gitUrl, { allowPrivate: deps.config.gitAllowPrivate });
  if (source.image) await refuseSpurImage(deps, source.image);
}

/** Creates a service and, with `deploy`, queues its first deployment in production (the UI's
 *  "Create and deploy", the API's `deploy: true`, the CLI's `--deploy`). Asked to deploy while
 *  Docker is away, it creates nothing. A git-push service has nothing to build until the first
 *  push: it is created, and `notDeployed` says so. */
export async function launchService(deps: Deps, user: Actor, projectName: string, body: Body, trigger: string): Promise<{ service: Service; deployment?: Deployment; notDeployed?: string }> {
  const wanted = truthy(body.deploy);
  if (wanted) requireEngine(deps);
  const service = await addService(deps, user, projectName, body);
  if (!wanted) return { service };
  if (service.source_type === 'push') return { service, notDeployed: 'nothing is pushed yet: it deploys with the first git push' };
  return { service, deployment: await deploy(deps, await findInstance(deps, user, { project: projectName, service: service.name }), { trigger, requestedBy: user.id }) };
}

/** Refuses at once an image the daemon resolves to one Spur built (a retag). A daemon that does
 *  not answer now does not stop the creation: each deploy checks again and fails closed. */
export async function refuseSpurImage(deps: Pick<Deps, 'docker'>, image: string): Promise<void> {
  await checkRunImage(deps.docker, 'image', image).catch((err: unknown) => {
    if (err instanceof InvalidInput) throw err;
  });
}

/** A webhook secret for services built from git, and a deploy key for those cloned from a remote. */
export function newCredentials(key: Buffer, source: ServiceSource, comment: string): ServiceCredentials {
  if (source.type === 'image') return {};
  const credentials: { webhookSecretSealed: string; deployKeyPrivateSealed?: string; deployKeyPublic?: string } = { webhookSecretSealed: seal(key, randomToken(24)) };
  if (source.type === 'git') {
    const pair = generateSshKeyPair(comment);
    credentials.deployKeyPrivateSealed = seal(key, pair.private);
    credentials.deployKeyPublic = pair.public;
  }
  return credentials;
}

/** The URL Spur is reached at: its own domain once set (https:// once its certificate is
 *  served), else SPUR_PUBLIC_URL. */
export async function spurUrl(deps: Pick<Deps, 'db' | 'config'>): Promise<string> {
  const own = await spurDomain(deps.db);
  return own ? domainUrl(own) : deps.config.publicUrl;
}

/** Where to push, the webhook to give the git host, and the deploy key to paste there. */
export async function gitAccess(deps: Deps, ctx: InstanceContext) {
  const { service, project } = ctx;
  if (service.source_type === 'image') throw new InvalidInput('service', `${service.name} deploys a Docker image; it has no git access`);
  const base = await spurUrl(deps);
  return {
    pushUrl: `ssh://git@${new URL(base).hostname}:${deps.config.sshPort}/${project.name}/${service.name}`,
    webhook: { url: `${base}/webhooks/${project.name}/${service.name}`, secret: service.webhook_secret_sealed ? unseal(deps.key, service.webhook_secret_sealed) : null },
    deployKey: service.deploy_key_public,
    httpsToken: service.https_token_sealed ? 'set' : null,
  };
}

/** Stores (or with an empty value, removes) the token used to clone over HTTPS. It is never shown again. */
export async function changeHttpsToken(deps: Deps, ctx: InstanceContext, body: Body): Promise<void> {
  if (ctx.service.source_type !== 'git') throw new InvalidInput('HTTPS token', `${ctx.service.name} is not cloned from a git URL`);
  const { httpsToken: token } = validate.fields({
    httpsToken: () => {
      const t = validate.optional(body.httpsToken, (v) => validate.variableValue(v));
      if (t !== undefined && (t.length > 4096 || /\s/.test(t))) throw new InvalidInput('HTTPS token', 'must be one word without spaces');
      return t;
    },
  });
  await setHttpsToken(deps.db, ctx.service.id, token ? seal(deps.key, token) : null);
}

/** Finds (service, environment) by the names in a URL; unknown names, and projects the user may
 *  not see, are 404. */
export async function findInstance(deps: Deps, user: Actor, names: { project: string; service: string; environment?: string }): Promise<InstanceContext> {
  const project = await getProjectFor(deps.db, user, names.project);
  const service = await getService(deps.db, project, names.service);
  const environment = await getEnvironment(deps.db, project, names.environment || DEFAULT_ENVIRONMENT);
  return getInstanceContext(deps.db, { serviceId: service.id, environmentId: environment.id });
}

const scopeOf = (ctx: InstanceContext) => ({ serviceId: ctx.service.id, environmentId: ctx.environment.id });

/** Sets variables from `{KEY: value}`; a null value removes the key. All keys are checked before any is stored. */
export async function changeVariables(deps: Deps, ctx: InstanceContext, input: unknown): Promise<string[]> {
  await storeVariables(deps, ctx, variableChanges(input));
  return listVariableNames(deps.db, scopeOf(ctx));
}

/** Stores variable changes once their references are well formed and form no cycle (a reference
 *  to something not there yet is fine here: the deploy names it if it is still missing). */
async function storeVariables(deps: Deps, ctx: InstanceContext, changes: Record<string, string | null>): Promise<void> {
  const current = await readVariables(deps.db, deps.key, scopeOf(ctx));
  checkReferences(ctx.service.name, current, changes, await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id));
  await setVariables(deps.db, deps.key, scopeOf(ctx), changes);
}

/** Refuses changes whose references are malformed, or that would make a cycle with the other
 *  variables of the environment (`sources`). */
export function checkReferences(self: string, current: Record<string, string>, changes: Record<string, string | null>, sources: ReferenceSources): void {
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) continue;
    try {
      referencesIn(value);
    } catch (err) {
      if (err instanceof InvalidInput) throw new InvalidFields({ value: `${name}: ${err.message.replace(/^value: /, '')}` });
      throw err;
    }
  }
  const next = { ...current, ...changes };
  const kept = Object.fromEntries(Object.entries(next).filter((e): e is [string, string] => e[1] !== null));
  try {
    resolveReferences(self, kept, sources, { missing: 'keep' });
  } catch (err) {
    if (err instanceof UnresolvedReference) throw new InvalidFields({ value: err.message });
    throw err;
  }
}

/** Variable changes as a body gives them (`{NAME: value | null}`), each name and value checked. */
export function variableChanges(input: unknown): Record<string, string | null> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInput('variables', 'give an object of NAME: value');
  const changes: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(input)) changes[validate.variableKey(k)] = v === null ? null : validate.variableValue(v);
  if (Object.keys(changes).length > 500) throw new InvalidInput('variables', 'at most 500 at once');
  return changes;
}

export const variableNames = (deps: Deps, ctx: InstanceContext) => listVariableNames(deps.db, scopeOf(ctx));

/** Of each variable that holds references: what it references, and whether that resolves now
 *  (null) or what is missing. Values themselves stay masked. */
export async function variableReferences(deps: Deps, ctx: InstanceContext): Promise<Record<string, { references: string[]; problem: string | null }>> {
  const values = await readVariables(deps.db, deps.key, scopeOf(ctx));
  const holding = Object.entries(values).filter(([, v]) => v.includes('${{'));
  if (holding.length === 0) return {};
  const sources = await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id);
  const out: Record<string, { references: string[]; problem: string | null }> = {};
  for (const [key, value] of holding) {
    let problem: string | null = null;
    let references: string[] = [];
    try {
      references = referencesIn(value);
      resolveReferences(ctx.service.name, values, sources, { only: key });
    } catch (err) {
      if (!(err instanceof UnresolvedReference || err instanceof InvalidInput)) throw err;
      problem = err.message;
    }
    out[key] = { references, problem };
  }
  return out;
}

/** Sets one variable from a form's `key` and `value` (an absent value is empty); returns its name. */
export async function setVariable(deps: Deps, ctx: InstanceContext, body: Body): Promise<string> {
  const { key, value } = validate.fields({ key: () => validate.variableKey(body.key), value: () => validate.variableValue(body.value ?? '') });
  await storeVariables(deps, ctx, { [key]: value });
  return key;
}

/** One value in clear, for the owner. */
export async function revealVariable(deps: Deps, user: Actor, ctx: InstanceContext, name: unknown): Promise<{ name: string; value: string }> {
  const key = validate.variableKey(name);
  const values = await revealVariables(deps, user, ctx);
  if (!Object.hasOwn(values, key)) throw new NotFound(`no variable ${key}`);
  return { name: key, value: values[key] };
}

/** The values in clear: the owner's alone to see. */
export async function revealVariables(deps: Deps, user: Actor, ctx: InstanceContext): Promise<Record<string, string>> {
  if (user.role !== 'owner') throw new Forbidden('only the owner may reveal variable values');
  return readVariables(deps.db, deps.key, scopeOf(ctx));
}

/** Sets every NAME=value entry of a pasted .env text; the other variables stay. Answers the
 *  names it set. */
export async function importVariables(deps: Deps, ctx: InstanceContext, body: Body): Promise<string[]> {
  const parsed = parseDotEnv(typeof body.env === 'string' ? body.env : '');
  if (Object.keys(parsed).length === 0) throw new InvalidFields({ env: 'paste at least one NAME=value line' });
  await changeVariables(deps, ctx, parsed);
  return Object.keys(parsed);
}

/** "5 variables", "1 variable". */
export const variableCount = (n: number) => `${n} variable${n === 1 ? '' : 's'}`;

/** Reads instance settings from a body, every refusal at once. A missing field stays as it is;
 *  an empty string clears a field that may be empty (domain, health path and port, limits and
 *  reservations). */
export function parseSettings(body: Body): ServiceInstanceUpdate {
  const opt = <T>(key: string, check: (v: unknown) => T) => () => validate.optional(body[key], check);
  const clearable = <T>(key: string, check: (v: unknown) => T) => () => (body[key] === undefined ? undefined : (validate.optional(body[key], check) ?? null));
  const v = validate.fields({
    replicas: opt('replicas', validate.replicas),
    port: opt('port', validate.port),
    healthCheck: opt('healthCheck', validate.healthType),
    healthPath: clearable('healthPath', validate.healthPath),
    healthPort: clearable('healthPort', validate.port),
    healthInterval: opt('healthInterval', (x) => validate.integer('health check interval', x, 1, 300)),
    healthTimeout: opt('healthTimeout', (x) => validate.integer('health check timeout', x, 1, 120)),
    healthRetries: opt('healthRetries', (x) => validate.integer('health check retries', x, 1, 20)),
    healthStartPeriod: opt('healthStartPeriod', (x) => validate.integer('health check start period', x, 0, 600)),
    cpuLimit: clearable('cpuLimit', (x) => validate.cpus('CPU limit', x)),
    memoryLimit: clearable('memoryLimit', (x) => validate.memoryMb('memory limit', x)),
    cpuReservation: clearable('cpuReservation', (x) => validate.cpus('CPU reservation', x)),
    memoryReservation: clearable('memoryReservation', (x) => validate.memoryMb('memory reservation', x)),
    restartPolicy: opt('restartPolicy', validate.restartPolicy),
    restartMaxAttempts: opt('restartMaxAttempts', (x) => validate.integer('restart attempts', x, 0, 100)),
    stopGracePeriod: opt('stopGracePeriod', (x) => validate.integer('stop grace period', x, 0, 600)),
    branch: clearable('branch', validate.branch),
    runOn: opt('runOn', (x) => (x === 'any' ? null : validate.resourceName('node', x))),
    releaseCommand: clearable('releaseCommand', validate.releaseCommand),
    buildMemory: clearable('buildMemory', (x) => validate.memoryMb('build memory', x)),
    buildCpus: clearable('buildCpus', (x) => validate.cpus('build CPUs', x)),
    buildTimeout: clearable('buildTimeout', (x) => validate.integer('build timeout', x, 5, 86_400)),
    watchPaths: opt('watchPaths', validate.watchPaths),
    buildVariables: opt('buildVariables', validate.buildVariables),
  });
  if (v.healthCheck === 'http' && !v.healthPath && body.healthPath !== undefined) throw new InvalidFields({ healthPath: 'health check path: an HTTP check needs a path' });
  return {
    replicas: v.replicas,
    port: v.port,
    health_type: v.healthCheck,
    health_path: v.healthPath,
    health_port: v.healthPort,
    health_interval_s: v.healthInterval,
    health_timeout_s: v.healthTimeout,
    health_retries: v.healthRetries,
    health_start_period_s: v.healthStartPeriod,
    cpu_limit: v.cpuLimit,
    memory_limit_mb: v.memoryLimit,
    cpu_reservation: v.cpuReservation,
    memory_reservation_mb: v.memoryReservation,
    restart_policy: v.restartPolicy,
    restart_max_attempts: v.restartMaxAttempts,
    stop_grace_s: v.stopGracePeriod,
    branch: v.branch,
    auto_deploy: body.autoDeploy === undefined ? undefined : truthy(body.autoDeploy) ? 1 : 0,
    placement: v.runOn,
    release_command: v.releaseCommand,
    build_memory_mb: v.buildMemory,
    build_cpus: v.buildCpus,
    build_timeout_s: v.buildTimeout,
    watch_paths: listToStore(v.watchPaths),
    build_variables: listToStore(v.buildVariables),
  };
}

/** A list setting as stored: JSON, null for an empty one, undefined when not given. */
const listToStore = (list: string[] | undefined) => (list === undefined ? undefined : list.length ? JSON.stringify(list) : null);

type BuildLimit = 'build_memory_mb' | 'build_cpus' | 'build_timeout_s';

/** The server's build limits (SPUR_BUILD_*), how each is named and shown. */
const serverBuildLimits = (config: Deps['config']): { column: BuildLimit; server: number; says: string }[] => [
  { column: 'build_memory_mb', server: config.buildMemoryMb, says: `build memory above the server's ${config.buildMemoryMb} MiB` },
  { column: 'build_cpus', server: config.buildCpus, says: `build CPUs above the server's ${config.buildCpus} CPU${config.buildCpus === 1 ? '' : 's'}` },
  { column: 'build_timeout_s', server: config.buildTimeoutS, says: `build timeout above the server's ${config.buildTimeoutS} s` },
];

/** A member may lower a service's build limits, or keep what an owner gave it; going above both
 *  the server's SPUR_BUILD_* and the service's present value takes an owner. */
function checkBuildLimits(config: Deps['config'], user: Actor, current: ServiceInstance, changes: ServiceInstanceUpdate): void {
  if (user.role === 'owner') return;
  for (const { column, server, says } of serverBuildLimits(config)) {
    const wanted = changes[column];
    if (typeof wanted === 'number' && wanted > Math.max(server, current[column] ?? 0)) throw new Forbidden(`only an owner may set the ${says}`);
  }
}

/** Saves settings; they take effect with the next deploy (replicas at once: see `scale`). */
export async function changeSettings(deps: Deps, user: Actor, ctx: InstanceContext, body: Body) {
  const changes = parseSettings(body);
  const next = { ...ctx.instance, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
  const errors: Record<string, string> = {};
  if (next.health_type === 'http' && !next.health_path) errors.healthPath = 'health check path: an HTTP check needs a path';
  if (next.cpu_limit && next.cpu_reservation && next.cpu_reservation > next.cpu_limit) errors.cpuReservation = 'CPU reservation: must not exceed the CPU limit';
  if (next.memory_limit_mb && next.memory_reservation_mb && next.memory_reservation_mb > next.memory_limit_mb) errors.memoryReservation = 'memory reservation: must not exceed the memory limit';
  if (changes.placement && changes.placement !== MANAGER_PLACEMENT && (await findNode(deps.db, changes.placement))?.status !== 'ready') errors.runOn = `run on: no ready server is named ${changes.placement}; choose any, manager, or one on the Servers page`;
  if (Object.keys(errors).length) throw new InvalidFields(errors);
  // Checked against the row as it is inside the transaction that writes it: an owner lowering a
  // limit at the same moment cannot be undone by a member's form that still shows the old value.
  return deps.db.transaction().execute(async (tx) => {
    checkBuildLimits(deps.config, user, await getInstance(tx, ctx.service, ctx.environment), changes);
    return updateInstance(tx, ctx.service, ctx.environment, changes);
  });
}

const instanceKey = (ctx: InstanceContext) => ({ serviceId: ctx.service.id, environmentId: ctx.environment.id });

export type DomainView = ReturnType<typeof toDomainView>;

const servedOverHttps = (d: DomainWithCertificate, now: Date) => d.https === 1 && d.not_after !== null && Date.parse(d.not_after) > now.getTime();

/** https:// while the domain's certificate is served, else http://. */
export const domainUrl = (d: DomainWithCertificate, now = new Date()) => `${servedOverHttps(d, now) ? 'https' : 'http'}://${d.hostname}`;

export function toDomainView(d: DomainWithCertificate, dns: DnsAnswer, now = new Date()) {
  return {
    hostname: d.hostname,
    url: domainUrl(d, now),
    https: d.https === 1,
    hsts: d.hsts === 1,
    /** Requests to this domain are sent, permanently, to this one. */
    redirectTo: d.redirect_to,
    certificate: {
      status: d.https === 1 ? d.tls_status : ('off' as const),
      /** The CA's words for the last failed order. */
      error: d.tls_error,
      expiresAt: d.not_after,
      daysLeft: d.not_after ? daysLeft(d.not_after, now) : null,
      retryAt: d.tls_status === 'failed' ? d.tls_retry_at : null,
    },
    /** Where the name points, against this server's addresses. */
    dns,
    addedAt: d.created_at,
  };
}

export const domainsOf = async (deps: Deps, ctx: InstanceContext) => Promise.all((await listDomains(deps.db, instanceKey(ctx))).map(async (d) => toDomainView(d, await deps.dns.check(d.hostname))));

/** Adds a custom domain: a valid hostname of the user's own, not Spur's own (its public URL's),
 *  not under the base domain (where Spur generates services' addresses), and not another
 *  service's. A running service is routed to it at once; its certificate is ordered. */
export async function addDomain(deps: Deps, ctx: InstanceContext, body: Body) {
  const { hostname } = validate.fields({ hostname: () => validate.domain(body.hostname ?? body.domain) });
  if (hostname === new URL(deps.config.publicUrl).hostname || hostname === (await spurDomain(deps.db))?.hostname) throw new InvalidFields({ hostname: `domain: ${hostname} is Spur's own address` });
  if (isUnderDomain(hostname, deps.config.baseDomain)) {
    throw new InvalidFields({ hostname: `domain: ${hostname} is under ${deps.config.baseDomain}, where Spur generates each service's own address; use a domain of your own` });
  }
  const domain = await storeAddDomain(deps.db, instanceKey(ctx), hostname);
  await routeNow(deps, ctx);
  void deps.certificates.run();
  return toDomainView({ ...domain, not_after: null }, await deps.dns.check(hostname));
}

/** `dockerVolume`: where the data is in Docker, and stays once the volume is removed. */
export const toVolumeView = (v: Volume) => ({ name: v.name, mountPath: v.mount_path, dockerVolume: v.docker_name, createdAt: v.created_at });

export const volumesOf = async (deps: Deps, ctx: InstanceContext) => (await listVolumes(deps.db, instanceKey(ctx))).map(toVolumeView);

/** Adds a named volume at a mount path; the next deploy mounts it (and updates stop-first). Its
 *  Docker volume is a new one, never one a deleted service of the same names left behind. */
export async function addVolume(deps: Deps, ctx: InstanceContext, body: Body) {
  const v = validate.fields({ name: () => validate.resourceName('volume', body.name), mountPath: () => validate.mountPath(body.mountPath ?? body.path) });
  const dockerName = serviceVolumeName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }, v.name, randomBytes(6).toString('hex'));
  return toVolumeView(await storeAddVolume(deps.db, instanceKey(ctx), { ...v, dockerName }));
}

/** Takes a volume off the service from the next deploy; its data stays in its Docker volume,
 *  whose name this answers. */
export async function removeVolume(deps: Deps, ctx: InstanceContext, nameParam: string): Promise<string> {
  const name = validate.resourceName('volume', nameParam);
  const dockerVolume = await removeVolumeRecord(deps.db, instanceKey(ctx), name);
  if (!dockerVolume) throw new NotFound(`${ctx.service.name} has no volume ${name} in ${ctx.environment.name}`);
  return dockerVolume;
}

export async function removeDomain(deps: Deps, ctx: InstanceContext, hostnameParam: string): Promise<void> {
  const hostname = validate.domain(hostnameParam);
  if (!(await storeRemoveDomain(deps.db, instanceKey(ctx), hostname))) throw new NotFound(`${hostname} is not a domain of ${ctx.service.name} in ${ctx.environment.name}`);
  await routeNow(deps, ctx);
}

/** Turns HTTPS or HSTS on or off for a domain; routing follows at once, and a domain whose HTTPS
 *  is turned on gets its certificate ordered. */
export async function changeDomain(deps: Deps, ctx: InstanceContext, hostnameParam: string, body: Body) {
  const hostname = validate.domain(hostnameParam);
  const options = validate.fields({
    https: () => validate.optional(body.https, (v) => validate.onOff('https', v)),
    hsts: () => validate.optional(body.hsts, (v) => validate.onOff('hsts', v)),
    redirectTo: () => (body.redirectTo === undefined ? undefined : body.redirectTo === null || body.redirectTo === '' || body.redirectTo === 'none' ? null : validate.domain(body.redirectTo)),
  });
  if (options.redirectTo) {
    const mine = await listDomains(deps.db, instanceKey(ctx));
    const target = mine.find((d) => d.hostname === options.redirectTo);
    if (options.redirectTo === hostname) throw new InvalidFields({ redirectTo: `redirect: ${hostname} cannot redirect to itself` });
    if (!target) throw new InvalidFields({ redirectTo: `redirect: ${options.redirectTo} is not a domain of ${ctx.service.name} in ${ctx.environment.name}; add it first` });
    if (target.redirect_to) throw new InvalidFields({ redirectTo: `redirect: ${options.redirectTo} redirects to ${target.redirect_to} itself` });
    const into = mine.filter((d) => d.redirect_to === hostname).map((d) => d.hostname);
    if (into.length) throw new InvalidFields({ redirectTo: `redirect: ${into.join(', ')} redirect${into.length === 1 ? 's' : ''} to ${hostname}; a redirect may not lead to another` });
  }
  if (!(await setDomainOptions(deps.db, instanceKey(ctx), hostname, options))) throw new NotFound(`${hostname} is not a domain of ${ctx.service.name} in ${ctx.environment.name}`);
  await routeNow(deps, ctx);
  void deps.certificates.run();
  const domain = (await listDomains(deps.db, instanceKey(ctx))).find((d) => d.hostname === hostname)!;
  return toDomainView(domain, await deps.dns.check(hostname));
}

/** Routing follows domains at once when Docker answers; otherwise the next deploy applies it. */
async function routeNow(deps: Deps, ctx: InstanceContext): Promise<void> {
  if (!deps.daemon.ready) return;
  await applyRouting(deps, instanceKey(ctx)).catch((err) => deps.log.warn(`routing of ${ctx.service.name} not updated; the next deploy applies it`, { error: String(err) }));
}

/** Work that needs Docker is refused up front, with the engine's problem in words. */
export function requireEngine(deps: Deps): void {
  if (!deps.daemon.ready) throw new DockerUnavailable(deps.daemon.state.problem ?? 'Docker is not ready');
}

/** Queues a deployment; `pushed` pins the exact commit to build (a push, see actions/push.ts). */
export async function deploy(deps: Deps, ctx: InstanceContext, by: Requester, pushed?: Pick<DeploymentRequest, 'commit' | 'pushedObjects'>): Promise<Deployment> {
  requireEngine(deps);
  await refuseOversizedVariables(deps, ctx);
  return deps.deployer.request({ ...scopeOf(ctx), ...by, ...pushed });
}

/** A variable that a change elsewhere (a shared variable, another service's) made resolve past
 *  the limit is refused with the deploy request, naming it. Missing references are left to the
 *  deployment, which fails before its build saying which (it resolves again in any case). */
async function refuseOversizedVariables(deps: Deps, ctx: InstanceContext): Promise<void> {
  const own = await readVariables(deps.db, deps.key, scopeOf(ctx));
  try {
    resolveReferences(ctx.service.name, own, await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id), { missing: 'keep' });
  } catch (err) {
    if (err instanceof ReferencesTooLarge) throw new InvalidFields({ value: err.message });
    if (!(err instanceof UnresolvedReference)) throw err;
  }
}

export async function rollback(deps: Deps, ctx: InstanceContext, body: Body, by: Requester): Promise<Deployment> {
  requireEngine(deps);
  const target = validate.optional(body.deployment, (v) => validate.integer('deployment', v, 1, Number.MAX_SAFE_INTEGER));
  return deps.deployer.rollback(scopeOf(ctx), by, target);
}

export const cancel = (deps: Deps, ctx: InstanceContext) => deps.deployer.cancel(scopeOf(ctx));

/** What a deploy would build with, now, without building (see deploy/build-plan.ts). */
export async function previewBuild(deps: Deps, ctx: InstanceContext) {
  const preview = await deps.deployer.preview(scopeOf(ctx));
  return { commit: preview.commit, generated: preview.plan !== null, stack: preview.plan?.stack ?? null, reasons: preview.plan?.reasons ?? [], dockerfile: preview.dockerfile, dockerfileText: preview.dockerfileText };
}

/** Sets the replica count and applies it at once to a running service (no task is replaced). */
export async function scale(deps: Deps, ctx: InstanceContext, body: Body): Promise<{ replicas: number; applied: boolean }> {
  const { replicas } = validate.fields({ replicas: () => validate.replicas(body.replicas) });
  await updateInstance(deps.db, ctx.service, ctx.environment, { replicas });
  if (!deps.daemon.ready) return { replicas, applied: false };
  const applied = await scaleService(deps.docker, swarmServiceName({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }), replicas);
  return { replicas, applied };
}

export const deploymentsOf = (deps: Deps, ctx: InstanceContext) => listDeployments(deps.db, scopeOf(ctx));

export interface InstanceStatus {
  project: string;
  service: string;
  environment: string;
  source: ReturnType<typeof toSourceView>;
  /** Desired replicas. */
  replicas: number;
  /** Tasks running now (0 when Docker has no service yet); null when Docker did not answer. */
  running: number | null;
  /** The replicas in words: how many run of how many, and why fewer (see deploy/replicas.ts). */
  replicasSummary: string;
  /** What every view says of it: serving, serving with a failed attempt, down … (service-state.ts). */
  state: ShownState;
  port: number;
  settings: ReturnType<typeof toSettingsView>;
  runOnChoices: string[];
  /** The latest attempt, whatever became of it. */
  deployment: ReturnType<typeof toDeploymentView> | null;
  /** What serves now. */
  activeDeployment: ReturnType<typeof toDeploymentView> | null;
  swarmService: string;
  network: string;
  internalUrl: string;
  publicUrls: string[];
}

export async function instanceStatus(deps: Deps, ctx: InstanceContext): Promise<InstanceStatus> {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  const [latest] = await listDeployments(deps.db, scopeOf(ctx), 1);
  const active = await findActiveDeployment(deps.db, scopeOf(ctx));
  const tasks = deps.daemon.ready ? await serviceTaskSummary(deps.docker, swarmServiceName(ref)).catch(() => null) : null;
  const running = tasks?.running ?? null;
  return {
    ...ref,
    source: toSourceView(ctx.service),
    replicas: ctx.instance.replicas,
    running,
    replicasSummary: describeReplicas({ desired: ctx.instance.replicas, running, exists: tasks?.exists ?? false, latest: latest?.status, serving: !!active }),
    state: serviceState({ serving: active?.id ?? null, latest: latest ? { id: latest.id, status: latest.status, failureReason: latest.failure_reason } : null, running, replicas: ctx.instance.replicas, problem: tasks?.problem }),
    port: ctx.instance.port,
    settings: toSettingsView(ctx.instance),
    /** Where it may be placed: any, manager, or a ready server. */
    runOnChoices: ['any', MANAGER_PLACEMENT, ...(await listNodes(deps.db)).filter((n) => n.status === 'ready').map((n) => n.name)],
    deployment: latest ? toDeploymentView(latest) : null,
    activeDeployment: active ? toDeploymentView(active) : null,
    swarmService: swarmServiceName(ref),
    network: projectNetworkName(ref),
    internalUrl: `http://${ctx.service.name}:${ctx.instance.port}`,
    publicUrls: routeUrls(await routeFor(deps, instanceKey(ctx))),
  };
}

export function toSourceView(s: Service) {
  if (s.source_type === 'image') return { type: 'image' as const, image: s.image };
  return { type: s.source_type, gitUrl: s.git_url, branch: s.git_branch, rootDir: s.root_dir, dockerfilePath: s.dockerfile_path };
}

export function toSettingsView(i: ServiceInstance) {
  return {
    replicas: i.replicas,
    port: i.port,
    healthCheck: { type: i.health_type, path: i.health_path, port: i.health_port ?? i.port, interval: i.health_interval_s, timeout: i.health_timeout_s, retries: i.health_retries, startPeriod: i.health_start_period_s },
    limits: { cpu: i.cpu_limit, memoryMb: i.memory_limit_mb },
    reservations: { cpu: i.cpu_reservation, memoryMb: i.memory_reservation_mb },
    restart: { policy: i.restart_policy, maxAttempts: i.restart_max_attempts },
    stopGracePeriod: i.stop_grace_s,
    branch: i.branch,
    autoDeploy: i.auto_deploy === 1,
    /** any, manager, or an enrolled server's name. */
    runOn: i.placement ?? 'any',
    /** Run once from the new image before each rollout; null for none. */
    releaseCommand: i.release_command,
    /** Its builds' own caps and timeout; null: the server's defaults. */
    build: { memoryMb: i.build_memory_mb, cpus: i.build_cpus, timeoutS: i.build_timeout_s },
    /** Globs a push must touch to deploy (else its root directory); [] for none. */
    watchPaths: instanceWatchPaths(i),
    /** Variables its builds receive as build arguments. */
    buildVariables: instanceBuildVariables(i),
  };
}

export function toDeploymentView(d: Deployment) {
  return {
    id: d.id,
    status: d.status,
    commitSha: d.commit_sha,
    commitMessage: d.commit_message,
    imageTag: d.image_tag,
    trigger: d.trigger,
    failureReason: d.failure_reason,
    createdAt: d.created_at,
    startedAt: d.started_at,
    finishedAt: d.finished_at,
    rollbackOf: d.source_deployment_id,
    /** The Dockerfile Spur wrote, with why, when the repository had none. */
    buildPlan: d.build_plan ? (JSON.parse(d.build_plan) as { stack: string; reasons: string[]; dockerfile: string }) : null,
  };
}

/** A deployment with its steps (see deploy/step-view.ts): what its page and the API show. */
export async function deploymentWithSteps(deps: Pick<Deps, 'db'>, d: Deployment) {
  return { ...toDeploymentView(d), steps: toStepsView(d, await listDeploymentSteps(deps.db, d.id), Date.now()) };
}

export const toProjectView = (p: Project, envs: Environment[]) => ({ name: p.name, environments: envs.map((e) => e.name), createdAt: p.created_at });

/** A deployment by id, if the user may see its project. */
export async function deploymentFor(deps: Deps, user: Actor, id: number): Promise<{ deployment: Deployment; ctx: InstanceContext }> {
  const deployment = await getDeployment(deps.db, id);
  const ctx = await getInstanceContext(deps.db, { serviceId: deployment.service_id, environmentId: deployment.environment_id });
  if (!(await canAccessProject(deps.db, user, ctx.project.id))) throw new NotFound(`deployment ${id} not found`);
  return { deployment, ctx };
}

export const toKeyView = (k: SshKey) => ({ id: k.id, name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, createdAt: k.created_at });

export async function addKey(deps: Deps, user: Actor, body: Body) {
  const v = validate.fields({ key: () => validate.sshPublicKey(body.key), name: () => validate.optional(body.name, (x) => validate.keyName(x)) });
  const key = v.key;
  const comment = typeof body.key === 'string' ? body.key.trim().split(/\s+/).slice(2).join(' ') : '';
  const name = v.name ?? (comment ? validate.keyName(comment.slice(0, 60)) : key.fingerprint.slice(7, 19));
  return toKeyView(await addSshKey(deps.db, user.id, key, name));
}

/** Adds an existing user to a project the caller may see. */
const removalDeps = (deps: Deps) => ({ db: deps.db, docker: deps.docker, dataDir: deps.config.dataDir, deployer: deps.deployer });

/** Deletion must be confirmed by typing the name (the UI sends it; API and CLI too). */
export function confirmName(body: Body, name: string): void {
  if (body.confirm !== name) throw new InvalidFields({ confirm: `confirm: type the name (${name}) to confirm` });
}

export async function deleteService(deps: Deps, user: Actor, names: { project: string; service: string }, body: Body): Promise<void> {
  const project = await getProjectFor(deps.db, user, names.project);
  const service = await getService(deps.db, project, names.service);
  confirmName(body, service.name);
  requireEngine(deps);
  await removeService(removalDeps(deps), project, service, { deleteVolumes: body.deleteVolumes === true || body.deleteVolumes === 'on' });
}

export async function deleteEnvironment(deps: Deps, user: Actor, names: { project: string; environment: string }, body: Body): Promise<void> {
  const project = await getProjectFor(deps.db, user, names.project);
  const environment = await getEnvironment(deps.db, project, names.environment);
  confirmName(body, environment.name);
  requireEngine(deps);
  await removeEnvironment(removalDeps(deps), project, environment);
}

/** Only the owner deletes a project. */
export async function deleteProject(deps: Deps, user: Actor, name: string, body: Body): Promise<void> {
  const project = await getProjectFor(deps.db, user, name);
  if (user.role !== 'owner') throw new Forbidden('only the owner may delete a project');
  confirmName(body, project.name);
  requireEngine(deps);
  await removeProject(removalDeps(deps), project);
}

/** Membership is the owner's (until roles exist). A member is refused before the email is read
 *  at all, so the answer is the same for every email and tells nothing about which users exist. */
function requireOwnerForMembers(user: Actor): void {
  if (user.role !== 'owner') throw new Forbidden('only an owner may add or remove project members');
}

/** An email that names no user (404 in the API, beside the field in the web form). */
export class NoSuchUser extends NotFound {}

/** Who is a member of the project, for an owner (as adding and removing, members are refused). */
export async function listMembers(deps: Deps, user: Actor, projectName: string): Promise<{ email: string; role: User['role'] }[]> {
  const project = await getProjectFor(deps.db, user, projectName);
  requireOwnerForMembers(user);
  return listProjectMembers(deps.db, project.id);
}

export async function removeMember(deps: Deps, user: Actor, projectName: string, email: string): Promise<void> {
  const project = await getProjectFor(deps.db, user, projectName);
  requireOwnerForMembers(user);
  const member = await findUserByEmail(deps.db, validate.email(email));
  if (!member || !(await removeProjectMember(deps.db, project.id, member.id))) throw new NotFound(`${email} is not a member of ${projectName}`);
}

export async function addMember(deps: Deps, user: Actor, projectName: string, body: Body): Promise<string> {
  const project = await getProjectFor(deps.db, user, projectName);
  requireOwnerForMembers(user);
  const { email } = validate.fields({ email: () => validate.email(body.email) });
  const member = await findUserByEmail(deps.db, email);
  if (!member) throw new NoSuchUser(`there is no user ${email}; add them on the Users page or with spur user add`);
  await addProjectMember(deps.db, project.id, member.id);
  return member.email;
}

/** An owner starts the update to the newer release the daily check found (UI button and API). */
export async function startUpdate(deps: Deps, user: Actor): Promise<string> {
  if (user.role !== 'owner') throw new Forbidden('only an owner can update Spur');
  return deps.updates.launch();
}
