// The kinds of source a service may have, in the order the source form offers them, and what is
// done with a source whatever its kind: read from a request, checked, given credentials, shown.
import type { Service, SourceType } from '../db/schema.js';
import { InvalidFields } from '../errors.js';
import { randomToken, seal } from '../secrets.js';
import { generateSshKeyPair } from '../ssh-keys.js';
import type { ServiceCredentials, ServiceSource } from '../store/services.js';
import * as validate from '../validate.js';
import { git } from './git.js';
import { image } from './image.js';
import { push } from './push.js';
import type { SourceCheckDeps, SourceKind, SourceView } from './source-kind.js';

export type { SourceKind, SourceView } from './source-kind.js';

export const SOURCE_KINDS: readonly SourceKind[] = Object.freeze([git, push, image]);

/** The kind named `name` (a form's choice, or a stored service's); undefined for another word. */
export const findSourceKind = (name: unknown): SourceKind | undefined => SOURCE_KINDS.find((k) => k.name === name);

/** The kind of a source; one this Spur does not know (written by a newer one) is an error. */
export function sourceKind(name: SourceType): SourceKind {
  const kind = findSourceKind(name);
  if (!kind) throw new Error(`a source this Spur does not know: ${name}`);
  return kind;
}

/** A stored service's kind. */
export const sourceKindOf = (s: Pick<Service, 'source_type'>): SourceKind => sourceKind(s.source_type);

type Body = Record<string, unknown>;

/** Reads a service definition: exactly one of a git repository, git push, or an image. */
export function parseSource(body: Body): ServiceSource {
  const v = validate.fields({
    git: () => validate.optional(body.git ?? body.gitUrl, validate.gitUrl),
    image: () => validate.optional(body.image, validate.imageRef),
    branch: () => validate.optional(body.branch, validate.branch),
    rootDir: () => validate.optional(body.rootDir ?? body.root, (x) => validate.repoPath('root directory', x)),
    dockerfilePath: () => validate.optional(body.dockerfilePath ?? body.dockerfile, (x) => validate.repoPath('Dockerfile path', x)),
  });
  const named = SOURCE_KINDS.filter((k) => k.named({ git: v.git, image: v.image, push: body.push }));
  if (named.length > 1) throw new InvalidFields({ source: 'source: give one source: a git repository, git push, or an image' });
  if (!named[0]) throw new InvalidFields({ source: 'source: give a git repository (git URL), git push, or an image' });
  return named[0].source(v);
}

/** The checks a source passes beyond its syntax, at creation and at each change: a git host that
 *  resolves to an address Spur may clone from, an image that is not one Spur built. */
export async function checkSource(deps: SourceCheckDeps, source: ServiceSource): Promise<void> {
  await sourceKind(source.type).check?.(deps, source);
}

/** A webhook secret for sources built from git, and a deploy key for those cloned from a remote. */
export function newCredentials(key: Buffer, source: ServiceSource, comment: string): ServiceCredentials {
  const kind = sourceKind(source.type);
  if (!kind.builds) return {};
  const credentials: { webhookSecretSealed: string; deployKeyPrivateSealed?: string; deployKeyPublic?: string } = { webhookSecretSealed: seal(key, randomToken(24)) };
  if (kind.clones) {
    const pair = generateSshKeyPair(comment);
    credentials.deployKeyPrivateSealed = seal(key, pair.private);
    credentials.deployKeyPublic = pair.public;
  }
  return credentials;
}

/** A service's source as pages, the API and the CLI show it. */
export const sourceView = (s: Pick<Service, 'source_type' | 'git_url' | 'git_branch' | 'root_dir' | 'dockerfile_path' | 'image'>): SourceView => sourceKindOf(s).view(s);
