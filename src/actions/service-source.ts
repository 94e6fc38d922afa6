// Changing where a service comes from after it was created (a git URL, git push, or an image),
// through the same gate and checks as at creation. What runs keeps serving; the next deploy of
// each environment uses the new source. The web form, the API and the CLI all call this.
import type { Service } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { gitTarget } from '../git/host.js';
import { InvalidFields } from '../errors.js';
import { getProjectFor } from './access.js';
import { type CredentialChanges, type ServiceSource, getService, updateServiceSource } from '../store/services.js';
import { checkSource, newCredentials, parseServiceSource, toSourceView } from './services.js';

type Body = Record<string, unknown>;
type Actor = Parameters<typeof getProjectFor>[1];

const KINDS = ['git', 'push', 'image'] as const;
type Kind = (typeof KINDS)[number];

/** What a change of source says happened, beyond the source itself. */
export const SOURCE_CHANGE_NOTE = 'What runs now keeps serving; the next deploy uses the new source.';

export interface SourceChange {
  source: ReturnType<typeof toSourceView>;
  /** What else changed with it, in words (credentials made or removed, settings left unused). */
  notes: string[];
}

/** Changes the source of `names.service`; any member of the project may, as they may create one. */
export async function changeServiceSource(deps: Deps, user: Actor, names: { project: string; service: string }, body: Body): Promise<SourceChange> {
  const project = await getProjectFor(deps.db, user, names.project);
  const service = await getService(deps.db, project, names.service);
  const source = parseServiceSource(sourceChangeBody(service, body));
  await checkSource(deps, source);
  const { credentials, notes } = credentialChanges(deps.key, service, source, `spur-${project.name}-${service.name}`);
  const saved = await updateServiceSource(deps.db, service.id, source, credentials);
  return { source: toSourceView(saved), notes };
}

const given = (v: unknown) => v !== undefined && v !== null;
const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1';

/** The body of a change as a creation would read it. `kind` (the form's choice) keeps only the
 *  fields of that kind; a body that names no source keeps the current one; a field left out
 *  keeps its current value while the service stays built from git (an empty one clears it). */
export function sourceChangeBody(current: Pick<Service, 'source_type' | 'git_url' | 'git_branch' | 'root_dir' | 'dockerfile_path' | 'image'>, body: Body): Body {
  const b: Body = { git: body.git ?? body.gitUrl, push: body.push, image: body.image, branch: body.branch, rootDir: body.rootDir ?? body.root, dockerfilePath: body.dockerfilePath ?? body.dockerfile };
  let kind: Kind | undefined;
  if (given(body.kind)) {
    if (!KINDS.includes(body.kind as Kind)) throw new InvalidFields({ kind: 'source: choose a git repository, git push, or a Docker image' });
    kind = body.kind as Kind;
    if (kind !== 'git') b.git = undefined;
    if (kind !== 'image') b.image = undefined;
    b.push = kind === 'push' ? 'on' : undefined;
    if (kind === 'image') b.branch = b.rootDir = b.dockerfilePath = undefined;
  }
  const named: Kind | undefined = kind ?? (given(b.git) && b.git !== '' ? 'git' : given(b.image) && b.image !== '' ? 'image' : truthy(b.push) ? 'push' : undefined);
  if (!named) {
    if (current.source_type === 'git') b.git = current.git_url;
    if (current.source_type === 'image') b.image = current.image;
    if (current.source_type === 'push') b.push = 'on';
  }
  if ((named ?? current.source_type) !== 'image' && current.source_type !== 'image') {
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
  if (next.type === 'image') {
    if (current.webhook_secret_sealed || current.deploy_key_public) {
      notes.push('It no longer builds from git: its webhook and deploy key are removed (take them off your git host too), and its build settings stay unused while it runs an image.');
    }
    Object.assign(credentials, { webhookSecretSealed: null, deployKeyPrivateSealed: null, deployKeyPublic: null, httpsTokenSealed: null });
    return { credentials, notes };
  }
  if (!current.webhook_secret_sealed) {
    credentials.webhookSecretSealed = made.webhookSecretSealed;
    notes.push('A webhook secret was made: the Settings page shows the webhook to give your git host.');
  }
  if (next.type === 'git' && !current.deploy_key_public) {
    Object.assign(credentials, { deployKeyPrivateSealed: made.deployKeyPrivateSealed, deployKeyPublic: made.deployKeyPublic });
    notes.push('A deploy key was made: add it to the repository if it is private.');
  }
  if (next.type === 'push' && current.deploy_key_public) {
    Object.assign(credentials, { deployKeyPrivateSealed: null, deployKeyPublic: null });
    notes.push('It deploys what is pushed to Spur now: its deploy key is removed (take it off your git host too).');
  }
  if (current.https_token_sealed && !(next.type === 'git' && sameHttpsRepository(current.git_url, next.gitUrl!))) {
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
