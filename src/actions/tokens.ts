// One's own API tokens, as the Account page, /api/v1/tokens and `spur token …` offer them: listed,
// created with a scope, an optional project and an optional expiry, and revoked; each through the
// door (access.ts) and recorded (never the secret). A token may make tokens only if it is an admin
// token, and never one that does more than itself: a project-bound one makes tokens of its
// project only, none that outlives its own expiry, and each goes when it is revoked.
import type { Deps } from '../deps.js';
import { InvalidInput } from '../errors.js';
import * as accounts from '../users/accounts.js';
import * as validate from '../validate.js';
import { type Actor, openProject, requireTo } from './access.js';
import { audit } from './record.js';

type Body = Record<string, unknown>;
const tokenObject = (t: { id: number; name: string }, projectId: number | null) => ({ kind: 'token', id: t.id, name: t.name, projectId });

export async function listTokens(deps: Pick<Deps, 'db'>, by: Actor): Promise<accounts.TokenView[]> {
  await requireTo(deps, by, 'tokens.read');
  return accounts.listTokens(deps.db, by.id, by.origin?.grant?.project?.id);
}

/** The longest a token may be asked to live, so a typo does not make one for ever. */
const MAX_DAYS = 3650;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `expiresIn` ("30d", "12h", "90m") or `expiresAt` (an ISO time), as an ISO time in the future; null when neither. */
export function parseExpiry(body: { expiresIn?: unknown; expiresAt?: unknown }, now: Date): string | null {
  const { expiresIn, expiresAt } = body;
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (given(expiresIn) && given(expiresAt)) throw new InvalidInput('expiresIn', 'give expiresIn or expiresAt, not both');
  let at: Date | undefined;
  if (given(expiresIn)) {
    const m = /^([1-9][0-9]{0,6})([mhd])$/.exec(String(expiresIn));
    if (!m) throw new InvalidInput('expiresIn', 'use a number of minutes, hours or days: 90m, 12h, 30d');
    at = new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  } else if (given(expiresAt)) {
    at = new Date(String(expiresAt));
    if (typeof expiresAt !== 'string' || Number.isNaN(at.getTime())) throw new InvalidInput('expiresAt', 'must be a date and time, like 2027-01-31T12:00:00Z');
  }
  if (!at) return null;
  if (at.getTime() <= now.getTime()) throw new InvalidInput(given(expiresIn) ? 'expiresIn' : 'expiresAt', 'must be in the future');
  if (at.getTime() > now.getTime() + MAX_DAYS * UNIT_MS.d) throw new InvalidInput(given(expiresIn) ? 'expiresIn' : 'expiresAt', `must be within ${MAX_DAYS} days`);
  return at.toISOString();
}

/** A new token: `{ name, scope (read by default), project?, expiresIn? | expiresAt? }`; the
 *  secret is in this one answer. */
export async function createToken(deps: Pick<Deps, 'db'>, by: Actor, body: Body): Promise<accounts.TokenView & { token: string }> {
  await requireTo(deps, by, 'tokens.manage');
  const grant = by.origin?.grant;
  const scope = validate.optional(body.scope, validate.tokenScope) ?? 'read';
  let expiresAt = parseExpiry(body, new Date());
  // A token never makes one that outlives it, nor one of another project.
  if (grant?.expiresAt && (expiresAt === null || expiresAt > grant.expiresAt)) {
    if (expiresAt !== null) throw new InvalidInput(body.expiresAt !== undefined ? 'expiresAt' : 'expiresIn', `this token expires at ${grant.expiresAt}; a token it makes may not outlive it`);
    expiresAt = grant.expiresAt;
  }
  const projectName = validate.optional(body.project, (v) => validate.resourceName('project', v)) ?? grant?.project?.name;
  // The project must be one its user may see (and this token may: openProject refuses another as not found).
  const project = projectName === undefined ? undefined : (await openProject(deps.db, by, projectName, 'project.read')).project;
  const made = await accounts.mintToken(deps.db, by.id, body.name, { scope, projectId: project?.id ?? null, expiresAt, parentId: grant?.id ?? null });
  const view: accounts.TokenView = { id: made.id, name: made.name, scope: scope, project: project?.name ?? null, expiresAt, createdAt: new Date().toISOString(), lastUsedAt: null };
  await audit(deps, by, 'tokens.create', tokenObject(made, project?.id ?? null), { after: { scope, project: view.project, expiresAt } });
  return { ...view, token: made.token };
}

/** Revokes one of one's own tokens (a project-bound token: only one of its project's). */
export async function revokeToken(deps: Pick<Deps, 'db'>, by: Actor, id: unknown): Promise<void> {
  await requireTo(deps, by, 'tokens.manage');
  const bound = by.origin?.grant?.project;
  const revoked = await accounts.revokeToken(deps.db, by.id, id, bound?.id);
  await audit(deps, by, 'tokens.revoke', tokenObject(revoked, bound?.id ?? null));
}
