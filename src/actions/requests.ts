// Requests waiting in protected environments (ask.ts makes them): listed for the project's
// members, approved (then run as the requester's) or rejected with a reason by an admin, cancelled
// by their requester. Expiry is checked lazily: each listing or decision first marks the requests
// past their time as expired (and records that), so an expired request can never be approved.
import type { ChangeRequest } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { unseal } from '../secrets.js';
import { claimChangeRequest, expireChangeRequests, findChangeRequest, listChangeRequests, reopenChangeRequest, setEnvironmentProtected, setRequestDeployment } from '../store/change-requests.js';
import { getEnvironment, listEnvironments } from '../store/projects.js';
import { getInstanceContext } from '../store/services.js';
import { findUserById } from '../store/users.js';
import * as validate from '../validate.js';
import { type Actor, type ProjectAccess, openProject, requireTo, roleIn } from './access.js';
import { type RequestView, requestObject, toRequestView } from './ask.js';
import { type Body, requireDaemon } from './common.js';
import { deploy, promoteAs, rollbackAs } from './deployments.js';
import { type Doer, audit } from './record.js';
import { applySharedVariables } from './shared-variables.js';
import { applyVariables } from './variables.js';

const SPUR = { kind: 'system', name: 'request expiry', via: 'job' } as const;

/** Marks the requests past their time as expired, each recorded. */
export async function expireRequests(deps: Deps): Promise<void> {
  for (const r of await expireChangeRequests(deps.db)) await audit(deps, SPUR, 'request.expire', requestObject(r, `#${r.id} ${r.kind}`), { after: { status: 'expired' } });
}

async function viewOf(deps: Deps, r: ChangeRequest): Promise<RequestView> {
  const environment = await deps.db.selectFrom('environments').select('name').where('id', '=', r.environment_id).executeTakeFirst();
  const service = r.service_id === null ? undefined : await deps.db.selectFrom('services').select('name').where('id', '=', r.service_id).executeTakeFirst();
  const decider = r.decided_by === null ? undefined : await findUserById(deps.db, r.decided_by);
  return toRequestView(r, { environment: environment?.name ?? '?', service: service?.name ?? null, decidedBy: decider?.email ?? null });
}

/** A project's requests, newest first, for anyone who may see the project. */
export async function requestsOf(deps: Deps, user: Actor, projectName: string): Promise<RequestView[]> {
  const { project } = await openProject(deps.db, user, projectName, 'project.read');
  await expireRequests(deps);
  return Promise.all((await listChangeRequests(deps.db, project.id)).map((r) => viewOf(deps, r)));
}

const requestId = (raw: unknown) => validate.integer('request id', raw, 1, Number.MAX_SAFE_INTEGER);

/** The request of this project (another project's id is not found here). */
async function requestIn(deps: Deps, access: ProjectAccess, raw: unknown): Promise<ChangeRequest> {
  const id = requestId(raw);
  const r = await findChangeRequest(deps.db, access.project.id, id);
  if (!r) throw new NotFound(`request ${id} not found`);
  return r;
}

const label = (r: ChangeRequest, view: RequestView, project: string) => `#${r.id} ${r.kind} ${project}/${view.service ?? 'shared variables'} (${view.environment})`;

/** Claims a pending request for a decision, or says why it cannot be decided. */
async function claim(deps: Deps, r: ChangeRequest, decision: Parameters<typeof claimChangeRequest>[2]): Promise<ChangeRequest> {
  await expireRequests(deps);
  const claimed = await claimChangeRequest(deps.db, r.id, decision);
  if (claimed) return claimed;
  const now = await findChangeRequest(deps.db, r.project_id, r.id);
  throw new Conflict(`request #${r.id} is ${now?.status ?? 'gone'}, no longer pending`);
}

/** An admin approves: the request runs now, as its requester's (the deployment is requested by
 *  them); the approval is recorded by the admin. Two approvals at once run it once: the first to
 *  claim it runs it, the other is told it is no longer pending (409). */
export async function approveRequest(deps: Deps, user: Actor, projectName: string, rawId: unknown): Promise<RequestView> {
  const access = await openProject(deps.db, user, projectName, 'requests.decide');
  const r = await requestIn(deps, access, rawId);
  if (r.kind === 'deploy' || r.kind === 'rollback') requireDaemon(deps);
  const claimed = await claim(deps, r, { status: 'approved', by: user.id });
  let deploymentId: number | null = null;
  try {
    deploymentId = await run(deps, claimed, access);
  } catch (err) {
    // It did not start: it waits again, for a later approval (or its expiry).
    await reopenChangeRequest(deps.db, r.id);
    throw err;
  }
  if (deploymentId !== null) await setRequestDeployment(deps.db, r.id, deploymentId);
  const view = await viewOf(deps, { ...claimed, deployment_id: deploymentId });
  await audit(deps, access.acting, 'request.approve', requestObject(r, label(r, view, projectName)), { after: { status: 'approved', requester: r.requester, deployment: deploymentId } });
  return view;
}

/** Runs an approved request as its requester (their role in the project now; a git host's webhook
 *  is recorded as the host). Answers the deployment it queued, if any. */
async function run(deps: Deps, r: ChangeRequest, access: ProjectAccess): Promise<number | null> {
  const payload = JSON.parse(unseal(deps.key, r.payload_sealed)) as { changes?: Record<string, string | null>; commit?: string; pushed?: boolean; deployment?: number | null; promote?: number };
  const requester = r.requested_by === null ? undefined : await findUserById(deps.db, r.requested_by);
  const who: Doer = requester
    ? { id: requester.id, email: requester.email, role: (await roleIn(deps.db, requester, r.project_id)) ?? 'former member', origin: access.acting.origin }
    : { kind: 'webhook', name: r.requester, via: 'webhook' };
  const by = { trigger: r.trigger, requestedBy: requester?.id };
  if (r.kind === 'shared-variables') {
    const environment = await getEnvironment(deps.db, access.project, (await viewOf(deps, r)).environment);
    await applySharedVariables(deps, who, { projectName: access.project.name, environment }, payload.changes ?? {});
    return null;
  }
  const ctx = await getInstanceContext(deps.db, { serviceId: r.service_id!, environmentId: r.environment_id });
  if (r.kind === 'variables') {
    await applyVariables(deps, who, ctx, payload.changes ?? {});
    return null;
  }
  if (r.kind === 'rollback') return (await rollbackAs(deps, who, ctx, by, payload.deployment ?? undefined)).id;
  if (payload.promote) return (await promoteAs(deps, who, ctx, by, payload.promote)).id;
  // A pushed commit is in the service's repository since the push was accepted.
  const pinned = payload.commit ? { commit: payload.commit, ...(payload.pushed ? { pushedObjects: {} } : {}) } : undefined;
  return (await deploy(deps, who, ctx, by, pinned)).id;
}

/** An admin rejects, with a reason the requester sees. */
export async function rejectRequest(deps: Deps, user: Actor, projectName: string, rawId: unknown, body: Body): Promise<RequestView> {
  const access = await openProject(deps.db, user, projectName, 'requests.decide');
  const r = await requestIn(deps, access, rawId);
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (!reason || reason.length > 500) throw new InvalidInput('reason', 'say why, in at most 500 characters');
  const claimed = await claim(deps, r, { status: 'rejected', by: user.id, reason });
  const view = await viewOf(deps, claimed);
  await audit(deps, access.acting, 'request.reject', requestObject(r, label(r, view, projectName)), { after: { status: 'rejected', requester: r.requester, reason } });
  return view;
}

/** The requester withdraws their own request (an admin may cancel any). */
export async function cancelRequest(deps: Deps, user: Actor, projectName: string, rawId: unknown): Promise<RequestView> {
  const access = await openProject(deps.db, user, projectName, 'requests.cancel');
  const r = await requestIn(deps, access, rawId);
  // Another's request: withdrawing it is deciding on it (an admin's, with a token that may decide).
  if (r.requested_by !== user.id) await requireTo(deps, access.acting, 'requests.decide', { object: requestObject(r, `#${r.id} ${r.kind}`) });
  const claimed = await claim(deps, r, { status: 'cancelled', by: user.id });
  const view = await viewOf(deps, claimed);
  await audit(deps, access.acting, 'request.cancel', requestObject(r, label(r, view, projectName)), { after: { status: 'cancelled', requester: r.requester } });
  return view;
}

/** An admin protects an environment (or no longer): a developer's deploy, rollback or variable
 *  change there then waits for an admin. */
export async function protectEnvironment(deps: Deps, user: Actor, names: { project: string; environment: string }, body: Body): Promise<{ environment: string; protected: boolean }> {
  const { project, acting } = await openProject(deps.db, user, names.project, 'environment.protect');
  const environment = await getEnvironment(deps.db, project, names.environment);
  const on = body.protected === true || body.protected === 'true' || body.protected === 'on' || body.protected === '1';
  if (!on && !(body.protected === false || body.protected === 'false' || body.protected === '0' || body.protected === undefined)) throw new InvalidInput('protected', 'must be true or false');
  await setEnvironmentProtected(deps.db, environment.id, on);
  await audit(deps, acting, 'environment.protect', { kind: 'environment', id: environment.id, name: `${project.name} (${environment.name})`, projectId: project.id }, { before: { protected: environment.protected === 1 }, after: { protected: on } });
  return { environment: environment.name, protected: on };
}

/** Each environment of a project with whether it is protected (its page and the API). */
export async function environmentsOf(deps: Deps, user: Actor, projectName: string) {
  const { project } = await openProject(deps.db, user, projectName, 'project.read');
  return (await listEnvironments(deps.db, project.id)).map((e) => ({ name: e.name, protected: e.protected === 1 }));
}

