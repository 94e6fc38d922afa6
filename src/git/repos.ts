// Spur's own bare repositories (what users `git push`), and the pre-receive hook that turns a
// push into a deployment. Paths are built from ids, never from names a user typed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const projectRepoDir = (dataDir: string, projectId: number) => join(dataDir, 'repos', String(projectId));
export const repoDir = (dataDir: string, ids: { projectId: number; serviceId: number }) => join(projectRepoDir(dataDir, ids.projectId), `${ids.serviceId}.git`);
export const hooksDir = (dataDir: string) => join(dataDir, 'git-hooks');

/** The hook is Spur itself: git runs `<spur command> <hook path>` through the shebang. */
export function installHook(dataDir: string, spurCommand: string[]): void {
  const dir = hooksDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'pre-receive');
  const content = `#!${spurCommand.join(' ')}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== content) writeFileSync(file, content, { mode: 0o755 });
}

export async function ensureBareRepo(dataDir: string, ids: { projectId: number; serviceId: number }): Promise<string> {
  const dir = repoDir(dataDir, ids);
  if (!existsSync(join(dir, 'HEAD'))) {
    mkdirSync(dir, { recursive: true });
    await run('git', ['init', '--quiet', '--bare', '--', dir]);
    await run('git', ['--git-dir', dir, 'config', 'core.hooksPath', hooksDir(dataDir)]);
    // Keep pushed objects out of the repository until the hook accepts them (git's default, made explicit).
    await run('git', ['--git-dir', dir, 'config', 'receive.advertisePushOptions', 'false']);
  }
  return dir;
}
