// Resolves where a build runs inside a checkout, refusing roots or Dockerfiles that escape it
// (also through symlinks).
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InvalidInput } from '../errors.js';
import { isInside, readRepoFile } from './repo-files.js';

export interface BuildContext {
  contextDir: string;
  /** Dockerfile path relative to the context, as the build API wants it. */
  dockerfile: string;
  entries: string[];
  /** The Dockerfile's text, read within the size bound. */
  dockerfileText: string;
}

/** Bounds on the files Spur itself reads from a checkout. */
export const DOCKERFILE_MAX_BYTES = 1024 * 1024;
export const DOCKERIGNORE_MAX_BYTES = 64 * 1024;

export async function resolveBuildContext(checkoutDir: string, opts: { rootDir?: string | null; dockerfilePath?: string | null }): Promise<BuildContext> {
  const checkout = await realpath(checkoutDir);
  const contextDir = await realInside(checkout, join(checkout, opts.rootDir ?? '.'), 'root directory');
  if (!(await stat(contextDir)).isDirectory()) throw new InvalidInput('root directory', `${opts.rootDir} is not a directory`);
  const dockerfileRel = opts.dockerfilePath ?? 'Dockerfile';
  const dockerfile = await realInside(contextDir, join(contextDir, dockerfileRel), 'Dockerfile path');
  if (!(await stat(dockerfile)).isFile()) throw new InvalidInput('Dockerfile path', `${dockerfileRel} is not a file`);
  const dockerfileText = (await readRepoFile(contextDir, relative(contextDir, dockerfile), DOCKERFILE_MAX_BYTES)) ?? '';
  // The build-context packer reads .dockerignore itself, following symlinks: check it first.
  await readRepoFile(contextDir, '.dockerignore', DOCKERIGNORE_MAX_BYTES);
  const entries = (await readdir(contextDir)).filter((e) => e !== '.git');
  return { contextDir, dockerfile: relative(contextDir, dockerfile).split(sep).join('/'), entries, dockerfileText };
}

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
