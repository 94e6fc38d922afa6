// What a build stack is: a descriptor that recognises a kind of repository from a snapshot of its
// root directory and writes the Dockerfile that builds it. Pure: no file system, no Docker.
import { Unbuildable } from '../../errors.js';

/** The root directory of a build as the stacks see it. */
export interface RepoSnapshot {
  /** Names of its top-level entries (files and directories). */
  entries: ReadonlySet<string>;
  /** The text of the small files a stack reads (each stack's `reads`), when present. */
  files: ReadonlyMap<string, string>;
  /** Names of the directories under `cmd/` (Go's convention for programs). */
  cmdDirs: readonly string[];
}

/** A base image the Dockerfiles Spur writes start from, as a stack declares it. The owner may
 *  choose another (the Settings page, `spur instance --<flag>`), SPUR_IMAGE_* over that, so that
 *  an air-gapped server can name a mirror. */
export interface BaseImageRole {
  /** Its key in BaseImages, the settings' JSON and the Settings form's field. */
  key: string;
  /** Its field's label on the Settings page. */
  label: string;
  /** The environment variable that sets it (SPUR_IMAGE_…). */
  envVar: string;
  /** The CLI's flag that sets it, without the dashes (`spur instance --image-…`). */
  flag: string;
  /** The official image; `{version}` is replaced by the version the repository asks for. */
  defaultImage: string;
}

/** The base images generated Dockerfiles start from, by role key (see stacks/index.ts). */
export type BaseImages = Readonly<Record<string, string>>;

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
  /** The small files of the root directory it reads from `RepoSnapshot.files`. */
  reads: readonly string[];
  /** The base images it brings; it may also use another stack's (node-static uses node's and
   *  static's). */
  images: readonly BaseImageRole[];
  detect(repo: RepoSnapshot, input: PlanInput): StackPlan | null;
}

/** The image for a version: `{version}` in the configured name replaced. */
export const imageFor = (template: string, version: string) => template.replaceAll('{version}', version);

/** The repository cannot be planned: said to the user as it is. */
export class PlanError extends Unbuildable {}
