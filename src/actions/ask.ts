// Asking: a change that the door (access.ts `wayTo`) holds back in a protected environment becomes
// a request an admin decides (requests.ts). What running it later needs is sealed in the row, as
// variables are (values never in clear); what may be shown of it (a commit, variable names) is kept
// apart. Requests expire REQUEST_TTL_HOURS after they are made.
import type { ChangeRequest, Environment, Project, RequestKind, Service } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { Requested } from '../errors.js';
import { seal } from '../secrets.js';
import { createChangeRequest } from '../store/change-requests.js';
import { type Doer, audit } from './record.js';

export const REQUEST_TTL_HOURS = 24;

/** What each kind is called, in the words a toast and the push output use. */
const KIND_WORDS: Record<RequestKind, string> = { deploy: 'Deploy', rollback: 'Rollback', variables: 'Variable change', 'shared-variables': 'Shared variable change' };

export interface Asking {
  who: Doer;
  kind: RequestKind;
  project: Pick<Project, 'id' | 'name'>;
  environment: Pick<Environment, 'id' | 'name'>;
  service?: Pick<Service, 'id' | 'name'>;
  trigger: string;
  /** What running it needs (sealed). */
  payload: Record<string, unknown>;
  /** What may be shown of it: no secret values. */
  summary: Record<string, unknown>;
}

/** A request as the API, the CLI and the pages show it (never the payload). */
export interface RequestView {
  id: number;
  kind: RequestKind;
  environment: string;
  service: string | null;
  requester: string;
  status: ChangeRequest['status'];
  summary: Record<string, unknown>;
  createdAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  deployment: number | null;
}

export const requestObject = (r: Pick<ChangeRequest, 'id' | 'project_id'>, label: string) => ({ kind: 'request', id: r.id, name: label, projectId: r.project_id });

/** Records a request and answers its view (a git push and a webhook say so in their own words). */
export async function createRequest(deps: Deps, asking: Asking): Promise<RequestView> {
  const person = !('kind' in asking.who);
  const now = Date.now();
  const row = await createChangeRequest(deps.db, {
    project_id: asking.project.id,
    environment_id: asking.environment.id,
    service_id: asking.service?.id ?? null,
    kind: asking.kind,
    requested_by: 'kind' in asking.who ? null : asking.who.id,
    requester: 'kind' in asking.who ? asking.who.name : asking.who.email,
    trigger: asking.trigger,
    payload_sealed: seal(deps.key, JSON.stringify(asking.payload)),
    summary: JSON.stringify(asking.summary),
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + REQUEST_TTL_HOURS * 3600_000).toISOString(),
    decided_by: null,
    decided_at: null,
    reason: null,
    deployment_id: null,
  });
  const label = `#${row.id} ${asking.kind} ${asking.project.name}/${asking.service?.name ?? 'shared variables'} (${asking.environment.name})`;
  await audit(deps, asking.who, 'request.create', requestObject(row, label), { after: { kind: asking.kind, ...asking.summary, expiresAt: row.expires_at, ...(person ? {} : { by: 'webhook' }) } });
  return toRequestView(row, { environment: asking.environment.name, service: asking.service?.name ?? null, decidedBy: null });
}

/** Records the request and answers it as every door does: accepted (202), waiting for an admin. */
export async function ask(deps: Deps, asking: Asking): Promise<never> {
  const request = await createRequest(deps, asking);
  throw new Requested(`${KIND_WORDS[asking.kind]} requested: an admin must approve (request #${request.id})`, request);
}

export function toRequestView(r: ChangeRequest, names: { environment: string; service: string | null; decidedBy: string | null }): RequestView {
  return {
    id: r.id,
    kind: r.kind,
    environment: names.environment,
    service: names.service,
    requester: r.requester,
    status: r.status,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    decidedBy: names.decidedBy,
    decidedAt: r.decided_at,
    reason: r.reason,
    deployment: r.deployment_id,
  };
}
