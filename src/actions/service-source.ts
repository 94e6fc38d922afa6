// Changing where a service comes from after it was created (a git URL, git push, or an image),
// through the same gate and checks as at creation. What runs keeps serving; the next deploy of
// each environment uses the new source. The web form, the API and the CLI all call this.
import { hostedRepository } from '../git/commit-status/index.js';
import type { Service } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { gitTarget } from '../git/host.js';
import { InvalidFields } from '../errors.js';
import { openProject } from './access.js';
import { audit } from './record.js';
import { type CredentialChanges, type ServiceSource, getService, updateServiceSource } from '../store/services.js';
import { type SourceKind, type SourceView, SOURCE_KINDS, checkSource, findSourceKind, newCredentials, parseSource, sourceKind, sourceKindOf, sourceView } from '../sources/index.js';

type Body = Record<string, unknown>;
type Actor = Parameters<typeof openProject>[1];

/** What a change of source says happened, beyond the source itself. */
export const SOURCE_CHANGE_NOTE = 'What runs now keeps serving; the next deploy uses the new source.';

export interface SourceChange {
  source: SourceView;
  /** What else changed with it, in words (credentials made or removed, settings left unused). */
  notes: string[];
}

/** Changes the source of `names.service`; any member of the project may, as they may create one. */
export async function changeServiceSource(deps: Deps, user: Actor, names: { project: string; service: string }, body: Body): Promise<SourceChange> {
  const { project, acting } = await openProject(deps.db, user, names.project, 'service.change');
  const service = await getService(deps.db, project, names.service);
  const source = parseSource(sourceChangeBody(service, body));
  await checkSource(deps, source);
  const { credentials, notes } = credentialChanges(deps.key, service, source, `spur-${project.name}-${service.name}`);
  const saved = await updateServiceSource(deps.db, service.id, source, credentials);
  await audit(deps, acting, 'service-source.change', { kind: 'service', id: service.id, name: `${project.name}/${service.name}`, projectId: project.id }, { before: sourceView(service), after: sourceView(saved) });
  return { source: sourceView(saved), notes };
}

const given = (v: unknown) => v !== undefined && v !== null;

/** The body of a change as a creation would read it. `kind` (the form's choice) keeps only the
 *  fields of that kind; a body that names no source keeps the current one; a field left out
 *  keeps its current value while the service stays built from git (an empty one clears it). */
export function sourceChangeBody(current: Pick<Service, 'source_type' | 'git_url' | 'git_branch' | 'root_dir' | 'dockerfile_path' | 'image'>, body: Body): Body {
  let b: Body = { git: body.git ?? body.gitUrl, push: body.push, image: body.image, branch: body.branch, rootDir: body.rootDir ?? body.root, dockerfilePath: body.dockerfilePath ?? body.dockerfile };
  let kind: SourceKind | undefined;
  if (given(body.kind)) {
    kind = findSourceKind(body.kind);
    if (!kind) throw new InvalidFields({ kind: 'source: choose a git repository, git push, or a Docker image' });
    b = kind.keep(b);
  }
  const now = sourceKindOf(current);
  const named = kind ?? SOURCE_KINDS.find((k) => k.named(b));
  if (!named) Object.assign(b, now.current(current));
  if ((named ?? now).builds && now.builds) {
    b.branch ??= current.git_branch;
    b.rootDir ??= current.root_dir;
    b.dockerfilePath ??= current.dockerfile_path;
  }
  return b;
}

/** What the new source does to the service's credentials. A deploy key belongs to a clone from a
 *  git URL, a webhook secret to a source built from git, an HTTPS token to one https://
 *  repository: the token is never sent for another repository than the one it was given for (a
 *  personal access token often reads every repository of its owner, and any member may change a
 *  service's source). */
export function credentialChanges(key: Buffer, current: Service, next: ServiceSource, comment: string): { credentials: CredentialChanges; notes: string[] } {
  const credentials: CredentialChanges = {};
  const notes: string[] = [];
  const made = newCredentials(key, next, comment);
  const kind = sourceKind(next.type);
  // The previews' commit status token is posted to the repository's host: it never follows the
  // source to another repository (a developer may change the source; the token is an admin's).
  const statusRepo = hostedRepository(current.git_url ?? '');
  const nextRepo = kind.clones ? hostedRepository(next.gitUrl ?? '') : undefined;
  if (current.previews_status_token_sealed && !(statusRepo && nextRepo && statusRepo.origin.toLowerCase() === nextRepo.origin.toLowerCase() && statusRepo.path === nextRepo.path)) {
    credentials.previewsStatusTokenSealed = null;
    notes.push(`Its previews' commit status token was for ${statusRepo ? `${new URL(statusRepo.origin).host}/${statusRepo.path}` : 'another repository'} and is removed: an admin sets one again for the new repository.`);
  }
  if (!kind.builds) {
    if (current.webhook_secret_sealed || current.deploy_key_public) notes.push(kind.leavingGit);
    Object.assign(credentials, { webhookSecretSealed: null, deployKeyPrivateSealed: null, deployKeyPublic: null, httpsTokenSealed: null });
    return { credentials, notes };
  }
  if (!current.webhook_secret_sealed) {
    credentials.webhookSecretSealed = made.webhookSecretSealed;
    notes.push('A webhook secret was made: the Settings page shows the webhook to give your git host.');
  }
  if (kind.clones && !current.deploy_key_public) {
    Object.assign(credentials, { deployKeyPrivateSealed: made.deployKeyPrivateSealed, deployKeyPublic: made.deployKeyPublic });
    notes.push('A deploy key was made: add it to the repository if it is private.');
  }
  if (!kind.clones && current.deploy_key_public) {
    Object.assign(credentials, { deployKeyPrivateSealed: null, deployKeyPublic: null });
    notes.push(`It ${kind.deploys} now: its deploy key is removed (take it off your git host too).`);
  }
  if (current.https_token_sealed && !(kind.clones && sameHttpsRepository(current.git_url, next.gitUrl!))) {
    credentials.httpsTokenSealed = null;
    notes.push(`Its HTTPS token was for ${repositoryOf(current.git_url)} and is removed, so it is never sent for another repository: set one again if the new repository needs it.`);
  }
  return { credentials, notes };
}

/** An https:// URL's repository as git hosts name it: host (any case) and port, and the path as
 *  written (some hosts tell case apart) without a trailing `/` or `.git`, with any query; null
 *  for any other URL. Pure. */
export function httpsRepository(url: string | null): string | null {
  if (!url?.startsWith('https://')) return null;
  try {
    const u = new URL(url);
    const { host, port } = gitTarget(url);
    const path = u.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
    return `${host.toLowerCase()}:${port}${path}${u.search}`;
  } catch {
    return null;
  }
}

const repositoryOf = (url: string | null) => {
  try {
    return url ? `${gitTarget(url).host}${new URL(url).pathname}` : 'another repository';
  } catch {
    return 'another repository';
  }
};

function sameHttpsRepository(before: string | null, after: string): boolean {
  const [a, b] = [httpsRepository(before), httpsRepository(after)];
  return a !== null && a === b;
}
