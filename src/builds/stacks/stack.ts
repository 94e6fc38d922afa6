// What a build stack is: a descriptor that recognises a kind of repository from a snapshot of its
// root directory and writes the Dockerfile that builds it. Pure: no file system, no Docker.
import { Unbuildable } from '../../errors.js';

/** The root directory of a build as the stacks see it. */
export interface RepoSnapshot {
  /** Names of its top-level entries (files and directories). */
  entries: ReadonlySet<string>;
  /** The text of the small files a stack reads (see SNAPSHOT_FILES), when present. */
  files: ReadonlyMap<string, string>;
  /** Names of the directories under `cmd/` (Go's convention for programs). */
  cmdDirs: readonly string[];
}

/** The base images generated Dockerfiles start from; `{version}` is replaced by the version the
 *  repository asks for. Configurable so that an air-gapped server can name a mirror. */
export interface BaseImages {
  node: string;
  python: string;
  go: string;
  /** Where a Go binary runs: a minimal image with CA certificates. */
  goRuntime: string;
  /** A small static file server (busybox httpd). */
  staticServer: string;
}

export interface PlanInput {
  images: BaseImages;
  /** The port the service listens on (PORT), for servers whose command line names it. */
  port: number;
  /** Variables given to the build: declared with ARG in the build stage only, so that the image
   *  that runs does not record them. */
  buildArgs?: string[];
}

/** What a stack found, before the start command is settled (a Procfile may replace it). */
export interface StackPlan {
  stack: string;
  /** Why, as a user reads it: "found pnpm-lock.yaml", "engines.node 20", "build script". */
  reasons: string[];
  /** The Dockerfile up to its last line, which is CMD [start…]. */
  stages: string;
  start: string[];
  /** Top-level entries never sent to the builder when the repository has no .dockerignore. */
  ignore: string[];
}

export interface Stack {
  name: string;
  /** What it looks for, for the message when nothing is recognised. */
  looksFor: string;
  detect(repo: RepoSnapshot, input: PlanInput): StackPlan | null;
}

/** Files the stacks read; each is small (bounded when read). */
export const SNAPSHOT_FILES = [
  'package.json', '.nvmrc', '.node-version',
  'requirements.txt', 'pyproject.toml', '.python-version', 'runtime.txt', 'manage.py', 'main.py', 'app.py', 'wsgi.py',
  'go.mod', 'Procfile',
] as const;

/** The image for a version: `{version}` in the configured name replaced. */
export const imageFor = (template: string, version: string) => template.replaceAll('{version}', version);

/** The repository cannot be planned: said to the user as it is. */
export class PlanError extends Unbuildable {}
