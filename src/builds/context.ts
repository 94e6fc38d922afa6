// Resolves where a build runs inside a checkout, refusing roots or Dockerfiles that escape it
// (also through symlinks). A root without a Dockerfile (and none named) gets the one Spur writes.
import { appendFile, lstat, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InvalidInput } from '../errors.js';
import { type BuildPlan, planBuild } from './plan.js';
import { isInside, readRepoFile } from './repo-files.js';
import { readSnapshot } from './snapshot.js';
import type { PlanInput } from './stacks/stack.js';

export interface BuildContext {
  contextDir: string;
  /** Dockerfile path relative to the context, as the build API wants it. */
  dockerfile: string;
  entries: string[];
  /** The Dockerfile's text, read within the size bound. */
  dockerfileText: string;
  /** Set when Spur wrote the Dockerfile. */
  plan?: BuildPlan;
}

/** Bounds on the files Spur itself reads from a checkout. */
export const DOCKERFILE_MAX_BYTES = 1024 * 1024;
export const DOCKERIGNORE_MAX_BYTES = 64 * 1024;

export async function resolveBuildContext(checkoutDir: string, opts: { rootDir?: string | null; dockerfilePath?: string | null; plan: PlanInput }): Promise<BuildContext> {
  const checkout = await realpath(checkoutDir);
  const contextDir = await realInside(checkout, join(checkout, opts.rootDir ?? '.'), 'root directory');
  if (!(await stat(contextDir)).isDirectory()) throw new InvalidInput('root directory', `${opts.rootDir} is not a directory`);
  if (!opts.dockerfilePath && !(await exists(join(contextDir, 'Dockerfile')))) return generatedContext(contextDir, opts.plan);
  const dockerfileRel = opts.dockerfilePath ?? 'Dockerfile';
  const dockerfile = await realInside(contextDir, join(contextDir, dockerfileRel), 'Dockerfile path');
  if (!(await stat(dockerfile)).isFile()) throw new InvalidInput('Dockerfile path', `${dockerfileRel} is not a file`);
  const dockerfileText = (await readRepoFile(contextDir, relative(contextDir, dockerfile), DOCKERFILE_MAX_BYTES)) ?? '';
  // The build-context packer reads .dockerignore itself, following symlinks: check it first.
  await readRepoFile(contextDir, '.dockerignore', DOCKERIGNORE_MAX_BYTES);
  const entries = (await readdir(contextDir)).filter((e) => e !== '.git');
  return { contextDir, dockerfile: relative(contextDir, dockerfile).split(sep).join('/'), entries, dockerfileText };
}

/** The checkout is Spur's own throwaway copy: the Dockerfile it writes goes in as `Dockerfile`,
 *  kept in the context even where a .dockerignore would leave it out. */
async function generatedContext(contextDir: string, input: PlanInput): Promise<BuildContext> {
  const plan = planBuild(await readSnapshot(contextDir), input);
  const ignore = await readRepoFile(contextDir, '.dockerignore', DOCKERIGNORE_MAX_BYTES);
  if (ignore !== null) await appendFile(await realpath(join(contextDir, '.dockerignore')), '\n!Dockerfile\n');
  await writeFile(join(contextDir, 'Dockerfile'), plan.dockerfile, { flag: 'wx' });
  const entries = (await readdir(contextDir)).filter((e) => e !== '.git' && (ignore !== null || !plan.ignore.includes(e)));
  return { contextDir, dockerfile: 'Dockerfile', entries, dockerfileText: plan.dockerfile, plan };
}

const exists = (path: string) => lstat(path).then(() => true, () => false);

async function realInside(root: string, path: string, field: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new InvalidInput(field, `${relative(root, path) || '.'} does not exist in the repository`);
  }
  if (!isInside(root, real)) throw new InvalidInput(field, 'points outside the repository');
  return real;
}
