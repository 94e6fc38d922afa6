// Services: reading a service definition, creating (and with `deploy`, launching) one, finding a
// service instance by its names, its git access, its status, and deleting it.
import type { Deployment, Service } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { MANAGER_PLACEMENT } from '../nodes/placement.js';
import { listNodes } from '../store/nodes.js';
import { projectNetworkName, swarmServiceName } from '../docker/names.js';
import { serviceTaskSummary } from '../docker/running-tasks.js';
import { type ShownState, serviceState } from './service-state.js';
import { describeReplicas } from '../deploy/replicas.js';
import { routeFor } from '../deploy/routing.js';
import { routeUrls } from '../routing/instance-route.js';
import { removeService } from '../deploy/removal.js';
import { InvalidInput } from '../errors.js';
import { findActiveDeployment, listDeployments } from '../store/deployments.js';
import { type AllowedInstance, type ProjectAction, mayDo, openProject, requireTo } from './access.js';
import { type AuditObject, SECRET, audit } from './record.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { type InstanceContext, createService, getInstanceContext, getService, setHttpsToken } from '../store/services.js';
import { seal, unseal } from '../secrets.js';
import { type SourceView, checkSource, newCredentials, parseSource, sourceKindOf, sourceView } from '../sources/index.js';
import * as validate from '../validate.js';
import { type Actor, type Body, confirmName, instanceKey, instanceObject, projectObject, removalDeps, requireDaemon, scopeOf, truthy } from './common.js';
import { deployAsked, toDeploymentView } from './deployments.js';
import { spurUrl } from './domains.js';
import { toSettingsView } from './service-settings.js';

export async function addService(deps: Deps, user: Actor, projectName: string, body: Body): Promise<Service> {
  const { name, source, port } = validate.fields({
    name: () => validate.resourceName('service', body.name),
    source: () => parseSource(body),
    port: () => validate.optional(body.port, validate.port),
  });
  const { project, acting } = await openProject(deps.db, user, projectName, 'service.create');
  await checkSource(deps, source);
  const service = await createService(deps.db, { project, name, source, port, credentials: newCredentials(deps.key, source, `spur-${project.name}-${name}`) });
  await audit(deps, acting, 'service.create', serviceObject(project, service), { after: { source: sourceView(service), port: port ?? null } });
  return service;
}

/** A service (of every environment) as the audit log names it: project/service, in its project's log. */
export const serviceObject = (project: { id: number; name: string }, service: { id: number; name: string }): AuditObject => ({ kind: 'service', id: service.id, name: `${project.name}/${service.name}`, projectId: project.id });

/** Creates a service and, with `deploy`, queues its first deployment in production (the UI's
 *  "Create and deploy", the API's `deploy: true`, the CLI's `--deploy`). Asked to deploy while
 *  Docker is away, it creates nothing. A git-push service has nothing to build until the first
 *  push: it is created, and `notDeployed` says so. */
export async function launchService(deps: Deps, user: Actor, projectName: string, body: Body, trigger: string): Promise<{ service: Service; deployment?: Deployment; notDeployed?: string }> {
  const wanted = truthy(body.deploy);
  if (wanted) {
    // The door first (creating and deploying), so Docker's state tells nothing to whom may not.
    const { project, acting } = await openProject(deps.db, user, projectName, 'service.create');
    await requireTo(deps, acting, 'deploy', { object: projectObject(project) });
    requireDaemon(deps);
  }
  const service = await addService(deps, user, projectName, body);
  if (!wanted) return { service };
  const idle = sourceKindOf(service).idleAtCreation;
  if (idle) return { service, notDeployed: idle };
  const ctx = await findInstance(deps, user, { project: projectName, service: service.name }, 'deploy');
  return { service, deployment: await deployAsked(deps, ctx, { trigger, requestedBy: user.id }) };
}

/** Where to push, the webhook to give the git host, and the deploy key to paste there. */
export async function gitAccess(deps: Deps, ctx: AllowedInstance) {
  await requireTo(deps, ctx.acting, 'service.git-access', { object: instanceObject(ctx) });
  const { service, project } = ctx;
  const kind = sourceKindOf(service);
  if (!kind.builds) throw new InvalidInput('service', `${service.name} ${kind.deploys}; it has no git access`);
  const base = await spurUrl(deps);
  return {
    pushUrl: `ssh://git@${new URL(base).hostname}:${deps.config.sshPort}/${project.name}/${service.name}`,
    webhook: { url: `${base}/webhooks/${project.name}/${service.name}`, secret: service.webhook_secret_sealed ? unseal(deps.key, service.webhook_secret_sealed) : null },
    deployKey: service.deploy_key_public,
    httpsToken: service.https_token_sealed ? 'set' : null,
  };
}

/** Stores (or with an empty value, removes) the token used to clone over HTTPS. It is never shown again. */
export async function changeHttpsToken(deps: Deps, ctx: AllowedInstance, body: Body): Promise<void> {
  await requireTo(deps, ctx.acting, 'service.change', { object: instanceObject(ctx) });
  if (!sourceKindOf(ctx.service).clones) throw new InvalidInput('HTTPS token', `${ctx.service.name} is not cloned from a git URL`);
  const { httpsToken: token } = validate.fields({
    httpsToken: () => {
      const t = validate.optional(body.httpsToken, (v) => validate.variableValue(v));
      if (t !== undefined && (t.length > 4096 || /\s/.test(t))) throw new InvalidInput('HTTPS token', 'must be one word without spaces');
      return t;
    },
  });
  await setHttpsToken(deps.db, ctx.service.id, token ? seal(deps.key, token) : null);
  const had = ctx.service.https_token_sealed !== null;
  await audit(deps, ctx.acting, 'service-credentials.change', instanceObject(ctx), { before: { httpsToken: had ? SECRET.set : null }, after: { httpsToken: token ? (had ? SECRET.changed : SECRET.set) : had ? SECRET.removed : null } });
}

/** Finds (service, environment) by the names in a URL, for `action` (the door, access.ts):
 *  unknown names, and projects the user may not see, are 404; an action their role may not take
 *  there is 403. */
export async function findInstance(deps: Deps, user: Actor, names: { project: string; service: string; environment?: string }, action: ProjectAction): Promise<AllowedInstance> {
  const { project, role, acting } = await openProject(deps.db, user, names.project, action);
  const service = await getService(deps.db, project, names.service);
  const environment = await getEnvironment(deps.db, project, names.environment || DEFAULT_ENVIRONMENT);
  return { ...(await getInstanceContext(deps.db, { serviceId: service.id, environmentId: environment.id })), role, acting };
}

export async function deleteService(deps: Deps, user: Actor, names: { project: string; service: string }, body: Body): Promise<void> {
  const { project, acting } = await openProject(deps.db, user, names.project, 'service.delete');
  const service = await getService(deps.db, project, names.service);
  confirmName(body, service.name);
  requireDaemon(deps);
  const deleteVolumes = body.deleteVolumes === true || body.deleteVolumes === 'on';
  await removeService(removalDeps(deps), project, service, { deleteVolumes });
  await audit(deps, acting, 'service.delete', serviceObject(project, service), { before: { source: sourceView(service) }, after: { volumesDeleted: deleteVolumes } });
}

export interface InstanceStatus {
  project: string;
  service: string;
  environment: string;
  source: SourceView;
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
    source: sourceView(ctx.service),
    replicas: ctx.instance.replicas,
    running,
    replicasSummary: describeReplicas({ desired: ctx.instance.replicas, running, exists: tasks?.exists ?? false, latest: latest?.status, serving: !!active }),
    state: serviceState({ serving: active?.id ?? null, latest: latest ? { id: latest.id, status: latest.status, failureReason: latest.failure_reason } : null, running, replicas: ctx.instance.replicas, problem: tasks?.problem }),
    port: ctx.instance.port,
    // A command may hold a password (a Compose file's `--requirepass ${PASSWORD}`): shown to whoever may read variables' values.
    settings: toSettingsView(ctx.instance, { revealCommands: 'acting' in ctx && mayDo(ctx.acting as AllowedInstance['acting'], 'variables.reveal') }),
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

