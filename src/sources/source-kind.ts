// What Spur needs to know of one kind of service source: where a service's versions come from (a
// repository Spur clones, Spur's own repository that users push to, or a Docker image run as it
// is). Each kind is one descriptor in this folder, listed in index.ts; nothing else branches on a
// kind's name.
import type { Service, SourceType } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import type { Checkout } from '../git/clone.js';
import type { ServiceSource } from '../store/services.js';

type Body = Record<string, unknown>;

/** A request's source fields once they passed the validation gate (parseSource). */
export interface SourceFields {
  git?: string;
  image?: string;
  branch?: string;
  rootDir?: string;
  dockerfilePath?: string;
}

/** A source as pages, the API and the CLI show it: a built one by its repository and paths, an
 *  image by its reference (the fields of the other never set, so either reads the same way). */
export type SourceView = BuiltSourceView | ImageSourceView;
export interface BuiltSourceView {
  type: SourceType;
  gitUrl: string | null;
  branch: string | null;
  rootDir: string | null;
  dockerfilePath: string | null;
  image?: undefined;
}
export interface ImageSourceView {
  type: SourceType;
  image: string | null;
  gitUrl?: undefined;
  branch?: undefined;
  rootDir?: undefined;
  dockerfilePath?: undefined;
}

/** A piece of the one-line summary a page shows: words, or a value shown as code. */
export type SummaryPart = string | { code: string };

/** What checking a source beyond its syntax needs. */
export interface SourceCheckDeps {
  docker: DockerClient;
  config: { gitAllowPrivate: boolean };
}

/** What fetching a built source needs. */
export interface FetchDeps {
  config: { dataDir: string; gitAllowPrivate: boolean; gitCaFile?: string };
  key: Buffer;
  /** Program git runs to ask for an HTTPS token. */
  askpassPath: string;
}

/** One fetch of a built source into `dir`: the branch head, or `commit` where a webhook named one. */
export interface FetchRequest {
  projectId: number;
  service: Service;
  branch: string;
  commit?: string;
  dir: string;
  say(line: string): Promise<void>;
  signal: AbortSignal;
}

interface Kind {
  name: SourceType;
  /** How the source form offers it. */
  choice: string;
  /** What a service of this kind deploys, said after its name ("web deploys a Docker image"). */
  deploys: string;
  /** Whether a request names this kind: its value is given (not empty), or its flag is on. More
   *  than one named is refused. */
  named(body: Body): boolean;
  /** The source the validated fields describe, once this kind is the one named. */
  source(v: SourceFields): ServiceSource;
  /** A change that chooses this kind (the form's choice) keeps only these fields of its body. */
  keep(body: Body): Body;
  /** The body fields that name a service's current source of this kind (a change naming none keeps it). */
  current(s: Pick<Service, 'git_url' | 'image'>): Body;
  /** Checks beyond syntax, at creation and at each change of source. */
  check?(deps: SourceCheckDeps, source: ServiceSource): Promise<void>;
  /** The source as pages, the API and the CLI show it. */
  view(s: Pick<Service, 'source_type' | 'git_url' | 'git_branch' | 'root_dir' | 'dockerfile_path' | 'image'>): SourceView;
  /** The few words a service card shows. */
  card(s: Pick<Service, 'image'>): string;
  /** The service page's one-line summary. */
  summary(v: SourceView): SummaryPart[];
  /** What it deploys, in the CLI's words ("… now deploys <this>."). */
  described(v: SourceView): string;
  /** Why a new service has nothing to deploy yet; absent where it can deploy at once. */
  idleAtCreation?: string;
  /** Cloned from a remote URL: it has a deploy key, may have an HTTPS token, and its git host's
   *  webhook deploys it. */
  clones: boolean;
}

/** A source Spur builds from git: a branch, root directory and Dockerfile apply; it has a
 *  repository at Spur (git push), a webhook secret and git access. */
export interface BuiltSourceKind extends Kind {
  builds: true;
  /** Fetches the source a deployment builds. */
  fetch(deps: FetchDeps, req: FetchRequest): Promise<Checkout>;
  /** A remote repository's branch head now (undefined: no such branch); for kinds that clone. */
  branchHead?(deps: FetchDeps, service: Service, branch: string): Promise<string | undefined>;
}

/** A source run as it is: nothing is built. */
export interface ImageSourceKind extends Kind {
  builds: false;
  /** The image a deployment runs, checked again at each deploy. */
  runImage(deps: { docker: DockerClient }, service: Pick<Service, 'image'>): Promise<string>;
  /** What a change to it says becomes of a service built from git before. */
  leavingGit: string;
}

export type SourceKind = BuiltSourceKind | ImageSourceKind;

/** A value given: not left out, null or empty. */
export const present = (v: unknown) => v !== undefined && v !== null && v !== '';
export const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1';

/** The fields a built source takes besides its origin. */
export const buildFields = (b: Body): Body => ({ branch: b.branch, rootDir: b.rootDir, dockerfilePath: b.dockerfilePath });

/** A built source's view. */
export const builtView = (s: Pick<Service, 'source_type' | 'git_url' | 'git_branch' | 'root_dir' | 'dockerfile_path'>): BuiltSourceView => ({ type: s.source_type, gitUrl: s.git_url, branch: s.git_branch, rootDir: s.root_dir, dockerfilePath: s.dockerfile_path });

/** ", root R, Dockerfile D" for the paths a built source names. */
export const pathsPhrase = (v: SourceView) => `${v.rootDir ? `, root ${v.rootDir}` : ''}${v.dockerfilePath ? `, Dockerfile ${v.dockerfilePath}` : ''}`;

