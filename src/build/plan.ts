// The build plan of a repository without a Dockerfile: the first stack that recognises it writes
// the Dockerfile, a Procfile's web: line replaces its start command, and the plan says why. Pure.
import { procfileWeb } from './procfile.js';
import { go } from './stacks/go.js';
import { node } from './stacks/node.js';
import { nodeStatic } from './stacks/node-static.js';
import { python } from './stacks/python.js';
import { type PlanInput, PlanError, type RepoSnapshot, type Stack } from './stacks/stack.js';
import { staticSite } from './stacks/static.js';

/** In the order they are tried: a static site built by Node before any Node app. */
export const STACKS: readonly Stack[] = [nodeStatic, node, python, go, staticSite];

export interface BuildPlan {
  stack: string;
  reasons: string[];
  dockerfile: string;
  /** Top-level entries left out of the build context when the repository has no .dockerignore. */
  ignore: string[];
}

export function planBuild(repo: RepoSnapshot, input: PlanInput): BuildPlan {
  const found = STACKS.map((s) => s.detect(repo, input)).find((p) => p !== null);
  const procfile = repo.files.get('Procfile');
  const web = procfile === undefined ? undefined : procfileWeb(procfile, input.port);
  if (!found) throw new PlanError(`no Dockerfile, and nothing Spur can build without one: looked for Dockerfile, ${STACKS.map((s) => s.looksFor).join(', ')}`);
  const reasons = web ? [...found.reasons, 'Procfile web:'] : found.reasons;
  const start = web ?? found.start;
  if (!start.length) throw new PlanError(`found a ${found.stack} app (${found.reasons.join(', ')}) but not how to start it: add a start command (a Procfile web: line, or a Dockerfile)`);
  const dockerfile = [
    `# Written by Spur for a ${found.stack} app: ${reasons.join(', ')}.`,
    '# To take over, save it as Dockerfile in the repository and edit it.',
    withBuildArgs(found.stages, input.buildArgs ?? []),
    `CMD ${JSON.stringify(start)}`,
    '',
  ].join('\n');
  return { stack: found.stack, reasons, dockerfile, ignore: found.ignore };
}

/** ARG lines for the build's variables, right after the build stage's FROM (not in the stage
 *  that runs: Docker records the arguments a RUN line uses in that stage's image history). */
function withBuildArgs(stages: string, names: string[]): string {
  if (!names.length) return stages;
  return stages.replace(/^(FROM \S+ AS build)$/m, (from) => [from, ...names.map((n) => `ARG ${n}`)].join('\n'));
}
