// Preview environments: a service with previews on gets, for each pull request opened into its
// branch, an environment `pr-<number>` made from its preview base (its settings, the variables
// marked to copy; with `previews_with: project` the base's other services on the images they
// serve there, with `previews_databases: fresh` an empty database of each of the base's), with its
// own generated domain, deploying the request's head and each push to it (actions/preview-status.ts
// tells the pull request); closing or merging it removes the environment and everything it owns. An idle preview goes
// after its hours (SPUR_PREVIEWS_MAX caps how many a project has). A pull request from a fork
// never gets a copied variable and never deploys without an admin's approval: its deploy is a
// request in the preview, as a protected environment's are.
import type { Environment, PreviewDatabases, PreviewsWith, Project, Service } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { removeEnvironment } from '../deploy/removal.js';
import { generatedDomain } from '../docker/names.js';
import { Conflict, InvalidInput } from '../errors.js';
import type { Provider, PullRequestEvent } from '../git/pull-requests.js';
import { sourceKindOf } from '../sources/index.js';
import { expirePreviewNow, expiredPreviews, findPreview, listPreviews, openPreview, previewFacts, setPreviewSettings, supersedePendingRequests } from '../store/previews.js';
import { getEnvironment } from '../store/projects.js';
import { getInstanceContext, listServices } from '../store/services.js';
import { findActiveDeployment } from '../store/deployments.js';
import { seal } from '../secrets.js';
import { readVariables } from '../store/variables.js';
import * as validate from '../validate.js';
import { type AllowedInstance, openProject } from './access.js';
import { createRequest } from './ask.js';
import { type Actor, type Body, projectObject, removalDeps, requireDaemon } from './common.js';
import { deploy, promoteAs } from './deployments.js';
import { freshDatabasesLike } from './databases.js';
import { type Doer, audit } from './record.js';

/** How long an idle preview lives, at most (the default, 72, is the column's). */
export const PREVIEW_TTL_HOURS_MAX = 720;
const COPY_MAX = 100;

export interface PreviewSettingsView {
  on: boolean;
  base: string | null;
  copy: string[];
  ttlHours: number;
  /** `service`: only this service; `project`: the base's other services too. */
  with: PreviewsWith;
  databases: PreviewDatabases;
  /** Whether a token is set to post the preview's status to its pull request (never the token). */
  statusToken: boolean;
}

export interface PreviewView {
  environment: string;
  service: string;
  pullRequest: number;
  fork: boolean;
  head: string | null;
  expiresAt: string | null;
  url: string | null;
}

export const previewSettingsOf = (s: Service): PreviewSettingsView => ({
  on: s.previews_base !== null,
  base: s.previews_base,
  copy: s.previews_copy ? (JSON.parse(s.previews_copy) as string[]) : [],
  ttlHours: s.previews_ttl_h,
  with: s.previews_with,
  databases: s.previews_databases,
  statusToken: s.previews_status_token_sealed !== null,
});

const kept = (s: Service) => ({ previews_copy: s.previews_copy, previews_ttl_h: s.previews_ttl_h, previews_with: s.previews_with, previews_databases: s.previews_databases, previews_status_token_sealed: s.previews_status_token_sealed });

/** Turns previews on (or, with `on: false`, off) for the service, from a base environment. */
export async function setPreviews(deps: Deps, ctx: AllowedInstance, body: Body): Promise<PreviewSettingsView> {
  const { project, service, acting } = ctx;
  if (body.on === false || body.on === 'off') {
    const changed = await setPreviewSettings(deps.db, service.id, { ...kept(service), previews_base: null });
    await audit(deps, acting, 'previews.change', projectObject(project), { before: previewSettingsOf(service), after: previewSettingsOf(changed) });
    return previewSettingsOf(changed);
  }
  if (!sourceKindOf(service).clones) throw new InvalidInput('previews', `${service.name} is not deployed from a git repository: there are no pull requests to preview`);
  const fields = validate.fields({
    base: () => validate.resourceName('environment', body.base),
    copy: () => copyList(body.copy),
    ttlHours: () => validate.optional(body.ttlHours, (v) => validate.integer('hours', v, 1, PREVIEW_TTL_HOURS_MAX)) ?? service.previews_ttl_h,
    with: () => validate.optional(body.with, (v) => validate.oneOf('with', v, ['service', 'project'] as const)) ?? service.previews_with,
    databases: () => validate.optional(body.databases, (v) => validate.oneOf('databases', v, ['none', 'fresh'] as const)) ?? service.previews_databases,
    statusToken: () => statusTokenOf(body.statusToken),
  });
  const base = await getEnvironment(deps.db, project, fields.base);
  if (base.preview_pr !== null) throw new InvalidInput('base', `${base.name} is itself a preview`);
  const token = fields.statusToken === undefined ? service.previews_status_token_sealed : fields.statusToken === null ? null : seal(deps.key, fields.statusToken);
  const changed = await setPreviewSettings(deps.db, service.id, { previews_base: base.name, previews_copy: JSON.stringify(fields.copy), previews_ttl_h: fields.ttlHours, previews_with: fields.with, previews_databases: fields.databases, previews_status_token_sealed: token });
  await audit(deps, acting, 'previews.change', projectObject(project), { before: previewSettingsOf(service), after: previewSettingsOf(changed) });
  return previewSettingsOf(changed);
}

/** A git host API token (kept sealed); null or "" removes the one set, undefined keeps it. */
function statusTokenOf(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > STATUS_TOKEN_MAX || !/^[\x21-\x7e]+$/.test(value)) throw new InvalidInput('statusToken', `a git host API token: printable characters without spaces, at most ${STATUS_TOKEN_MAX}`);
  return value;
}

const STATUS_TOKEN_MAX = 512;

function copyList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value;
  if (!Array.isArray(list)) throw new InvalidInput('copy', 'give the names of the variables to copy, e.g. ["API_URL", "GREETING"]');
  if (list.length > COPY_MAX) throw new InvalidInput('copy', `at most ${COPY_MAX} variables`);
  return [...new Set(list.map((k) => validate.variableKey(k)))];
}

export async function previewsOf(deps: Deps, user: Actor, projectName: string): Promise<PreviewView[]> {
  const { project } = await openProject(deps.db, user, projectName, 'project.read');
  const previews = await listPreviews(deps.db, project.id);
  return Promise.all(previews.map((e) => toPreviewView(deps, e)));
}

async function toPreviewView(deps: Deps, e: Environment): Promise<PreviewView> {
  const facts = await previewFacts(deps.db, e);
  return { environment: e.name, service: facts?.service ?? '', pullRequest: e.preview_pr!, fork: e.preview_fork === 1, head: e.preview_head, expiresAt: e.preview_expires_at, url: facts ? `http://${generatedDomain(facts.domain_label, deps.config.baseDomain)}` : null };
}

export type PullRequestAnswer = { ignored: string } | { preview: PreviewView; deployment?: number; request?: number; removed?: boolean };

/** What a git host's pull request event does to the service's previews (http/webhooks.ts has
 *  checked its signature and its delivery). */
export async function receivePullRequest(deps: Deps, input: { project: Project; service: Service; provider: Provider; event: PullRequestEvent; address: string | null }): Promise<PullRequestAnswer> {
  const { project, service, event } = input;
  if (event.baseBranch !== service.git_branch) return { ignored: `pull request ${event.number} goes into ${event.baseBranch}, not ${service.git_branch}` };
  const who: Doer = { kind: 'webhook', name: input.provider, via: 'webhook', address: input.address };
  const object = projectObject(project);
  // Closing removes a preview also once previews were turned off.
  if (event.action === 'close') {
    const preview = await findPreview(deps.db, project.id, event.number);
    if (!preview || preview.preview_service_id !== service.id) return { ignored: `pull request ${event.number} has no preview` };
    const view = await toPreviewView(deps, preview);
    await removePreview(deps, who, project, preview, 'its pull request was closed');
    return { preview: view, removed: true };
  }
  if (!service.previews_base) return { ignored: `previews are off for ${service.name}` };
  requireDaemon(deps);
  const base = await getEnvironment(deps.db, project, service.previews_base);
  // The host's word that the head is in this repository is not enough (a Gitea AGit request
  // names the base repository): its own branch must point at the head now.
  const fork = event.fork || (await headOfBranch(deps, service, event.headBranch)) !== event.head;
  // A trusted preview whose pull request turns out to come from a fork goes whole (its other
  // services run with the base's variables, its databases were made for it) and is made again as
  // a fork's.
  const existing = await findPreview(deps.db, project.id, event.number);
  if (fork && existing?.preview_service_id === service.id && existing.preview_fork === 0) await removePreview(deps, who, project, existing, 'its pull request now comes from a fork');
  const settings = previewSettingsOf(service);
  const withOthers = settings.with === 'project' && !fork;
  const variables = fork ? {} : await copiedVariables(deps, project, base, withOthers ? undefined : service, settings.copy);
  const { environment, made, others } = await openPreview(deps.db, {
    project, service, pr: event.number, fork, head: event.head,
    branch: fork ? service.git_branch! : validate.branch(event.headBranch),
    expiresAt: new Date(Date.now() + service.previews_ttl_h * 3600_000).toISOString(),
    max: deps.config.previewsMax, variables, withOthers, provider: input.provider, key: deps.key, protectedBase: base.protected === 1,
  });
  if (made) await audit(deps, who, 'environment.create', object, { after: { environment: environment.name, preview: { service: service.name, pullRequest: event.number, fork, copied: Object.keys(variables[service.id] ?? {}), services: others.map((o) => o.name) } } });
  // What the preview holds besides the pull request: empty databases first (the copied references
  // lead to them), then the base's other services, each running the image it serves there.
  if (made && !fork && settings.databases === 'fresh') await freshDatabasesLike(deps, project, base, environment, who).catch((err) => deps.log.warn('a preview database was not made', { environment: environment.name, error: String(err) }));
  if (made) for (const other of others) await startLikeBase(deps, who, { project, base, environment, serviceId: other.id, trigger: `pull-request:${input.provider}#${event.number}` });
  const ctx = await getInstanceContext(deps.db, { serviceId: service.id, environmentId: environment.id });
  const trigger = `pull-request:${input.provider}#${event.number}`;
  const view = await toPreviewView(deps, environment);
  // Once a fork, always: an update cannot make the preview trusted. A preview of a protected base
  // is protected too: the variables it copied are the base's.
  if (environment.preview_fork === 1 || environment.protected === 1) {
    await supersedePendingRequests(deps.db, environment.id, `pull request ${event.number} was updated`);
    const request = await createRequest(deps, { who, kind: 'deploy', project, environment, service, trigger, payload: { commit: event.head }, summary: { commit: event.head, pullRequest: event.number, fork: environment.preview_fork === 1 } });
    return { preview: view, request: request.id };
  }
  const deployment = await deploy(deps, who, ctx, { trigger }, { commit: event.head });
  return { preview: view, deployment: deployment.id };
}

/** The variables marked to copy, from the base, of `only` (or of every service), by service id. */
async function copiedVariables(deps: Deps, project: Project, base: Environment, only: Service | undefined, copy: string[]): Promise<Record<number, Record<string, string>>> {
  if (copy.length === 0) return {};
  const services = only ? [only] : await listServices(deps.db, project.id);
  const out: Record<number, Record<string, string>> = {};
  for (const s of services) {
    const values = await readVariables(deps.db, deps.key, { serviceId: s.id, environmentId: base.id });
    out[s.id] = Object.fromEntries(copy.filter((k) => k in values).map((k) => [k, values[k]!]));
  }
  return out;
}

/** Starts another service of a new preview with the image it serves in the base (nothing is
 *  built); in a protected preview that is a deploy request. One the base does not run stays idle. */
async function startLikeBase(deps: Deps, who: Doer, at: { project: Project; base: Environment; environment: Environment; serviceId: number; trigger: string }): Promise<void> {
  const source = await findActiveDeployment(deps.db, { serviceId: at.serviceId, environmentId: at.base.id });
  const ctx = await getInstanceContext(deps.db, { serviceId: at.serviceId, environmentId: at.environment.id });
  if (!source?.image_tag) return deps.log.info('a service of a preview stays idle: nothing serves it in the base', { environment: at.environment.name, service: ctx.service.name });
  try {
    if (at.environment.protected === 1) {
      await createRequest(deps, { who, kind: 'deploy', project: at.project, environment: at.environment, service: ctx.service, trigger: at.trigger, payload: { promote: source.id }, summary: { promote: { from: at.base.name, deployment: source.id }, commit: source.commit_sha } });
    } else {
      await promoteAs(deps, who, ctx, { trigger: at.trigger }, source.id);
    }
  } catch (err) {
    deps.log.warn('a service of a preview was not started', { environment: at.environment.name, service: ctx.service.name, error: String(err) });
  }
}

/** Where the service's repository's own branch points now; undefined when it cannot be told. */
async function headOfBranch(deps: Deps, service: Service, branch: string): Promise<string | undefined> {
  const kind = sourceKindOf(service);
  if (!kind.builds || !kind.branchHead) return undefined;
  try {
    return await kind.branchHead({ config: deps.config, key: deps.key, askpassPath: deps.askpassPath }, service, validate.branch(branch));
  } catch (err) {
    deps.log.warn('could not read the pull request branch; treating it as a fork', { service: service.name, branch, error: String(err) });
    return undefined;
  }
}

/** Removes a preview and everything it owns; one that is rolling out is left for the next sweep
 *  (its expiry set to now). */
async function removePreview(deps: Deps, who: Doer, project: Project, preview: Environment, why: string): Promise<void> {
  try {
    await removeEnvironment(removalDeps(deps), project, preview);
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
    await expirePreviewNow(deps.db, preview.id);
    throw err;
  }
  await audit(deps, who, 'environment.delete', projectObject(project), { before: { environment: preview.name, preview: { pullRequest: preview.preview_pr } }, after: { why } });
}

/** Removes the previews past their expiry (every few minutes; Docker must answer). */
export async function removeExpiredPreviews(deps: Deps): Promise<string[]> {
  if (!deps.daemon.ready) return [];
  const removed: string[] = [];
  for (const { project, environment } of await expiredPreviews(deps.db, new Date().toISOString())) {
    try {
      await removePreview(deps, { kind: 'system', name: 'preview expiry', via: 'job' }, project, environment, 'it expired');
      removed.push(`${project.name}/${environment.name}`);
    } catch (err) {
      deps.log.warn('could not remove an expired preview', { project: project.name, environment: environment.name, error: String(err) });
    }
  }
  return removed;
}
