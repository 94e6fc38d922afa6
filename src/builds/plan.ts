// The build plan of a repository without a Dockerfile: the first stack that recognises it writes
// the Dockerfile, a Procfile's web: line replaces its start command, and the plan says why. Pure.
import { PROCFILE, procfileWeb } from './procfile.js';
import { STACKS } from './stacks/index.js';
import { type PlanInput, PlanError, type RepoSnapshot } from './stacks/stack.js';

export interface BuildPlan {
  stack: string;
  reasons: string[];
  dockerfile: string;
  /** Top-level entries left out of the build context when the repository has no .dockerignore. */
  ignore: string[];
}

export function planBuild(repo: RepoSnapshot, input: PlanInput): BuildPlan {
  const found = STACKS.map((s) => s.detect(repo, input)).find((p) => p !== null);
  const procfile = repo.files.get(PROCFILE);
  const web = procfile === undefined ? undefined : procfileWeb(procfile, input.port);
  if (!found) throw new PlanError(`no Dockerfile, and nothing Spur can build without one: looked for Dockerfile, ${STACKS.map((s) => s.looksFor).join(', ')}`);
  const reasons = web ? [...found.reasons, 'Procfile web:'] : found.reasons;
  const start = web ?? found.start;
  if (!start.length) throw new PlanError(`found a ${found.stack} app (${found.reasons.join(', ')}) but not how to start it: add a start command (a Procfile web: line, or a Dockerfile)`);
  const dockerfile = [
    oneLine(`# Written by Spur for a ${found.stack} app: ${reasons.join(', ')}.`),
    '# To take over, save it as Dockerfile in the repository and edit it.',
    withBuildArgs(found.stages, input.buildArgs ?? []),
    `CMD ${JSON.stringify(start)}`,
    '',
  ].join('\n');
  checkWritten(dockerfile);
  return { stack: found.stack, reasons, dockerfile, ignore: found.ignore };
}

/** The comment quotes what the repository says; each stack validates its fields, and this makes
 *  sure none of them can start a line of its own. */
function oneLine(comment: string): string {
  if (!/^[\x20-\x7e]*$/.test(comment)) throw new PlanError(`the build plan's reasons hold characters Spur does not write into a Dockerfile: ${JSON.stringify(comment)}`);
  return comment;
}

/** Last line of defence: no line of the written Dockerfile carries a carriage return or another
 *  control character, and none ends with \ (which would join the next line onto it). */
function checkWritten(dockerfile: string): void {
  const bad = dockerfile.split('\n').find((line) => /[\x00-\x1f\x7f]/.test(line) || line.endsWith('\\'));
  if (bad !== undefined) throw new PlanError(`Spur refused to write a Dockerfile line from what the repository says: ${JSON.stringify(bad)}`);
}

/** ARG lines for the build's variables, right after the build stage's FROM (not in the stage
 *  that runs: Docker records the arguments a RUN line uses in that stage's image history). */
function withBuildArgs(stages: string, names: string[]): string {
  if (!names.length) return stages;
  return stages.replace(/^(FROM \S+ AS build)$/m, (from) => [from, ...names.map((n) => `ARG ${n}`)].join('\n'));
}
