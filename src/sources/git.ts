// A repository Spur clones from a git URL (https or ssh), at a branch: a deploy key (or an HTTPS
// token) reads it, and the git host's webhook deploys it.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Service } from '../db/schema.js';
import { type GitAuth, cloneBranchHead, remoteBranchHead } from '../git/clone.js';
import { checkGitHost, gitTarget } from '../git/host.js';
import { unseal } from '../secrets.js';
import { type BuiltSourceKind, type FetchDeps, buildFields, builtView, pathsPhrase, present } from './source-kind.js';

export const git: BuiltSourceKind = {
  name: 'git',
  choice: 'A git repository Spur clones',
  deploys: 'deploys a git repository Spur clones',
  builds: true,
  clones: true,
  named: (b) => present(b.git),
  source: (v) => ({ type: 'git', gitUrl: v.git, branch: v.branch ?? 'main', rootDir: v.rootDir, dockerfilePath: v.dockerfilePath }),
  keep: (b) => ({ git: b.git, ...buildFields(b) }),
  current: (s) => ({ git: s.git_url }),
  // A git host that resolves to an address Spur may clone from.
  check: async (deps, source) => {
    await checkGitHost(source.gitUrl!, { allowPrivate: deps.config.gitAllowPrivate });
  },
  view: builtView,
  card: () => 'git',
  summary: (v) => [{ code: v.gitUrl ?? '' }, ' @ ', { code: v.branch ?? '' }],
  described: (v) => `${v.gitUrl}, branch ${v.branch}${pathsPhrase(v)}`,
  // A clone of the remote at the branch head, or at the commit a webhook named.
  fetch: async (deps, { service, branch, commit, dir, say, signal }) => {
    await say(`Fetching ${service.git_url} (branch ${branch}${commit ? `, commit ${commit.slice(0, 12)}` : ''})`);
    const keyFile = `${dir}.key`;
    try {
      const { target, address } = await checkGitHost(service.git_url!, { allowPrivate: deps.config.gitAllowPrivate });
      const pin = { ...target, address };
      const auth = await cloneAuth(deps, service, keyFile);
      return await cloneBranchHead({ url: service.git_url!, branch, commit, dir, caFile: deps.config.gitCaFile, knownHostsFile: join(deps.config.dataDir, 'known_hosts'), auth, pin, signal });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new Error(`could not fetch branch ${branch}: ${lastLine((err as Error).message)}`);
    } finally {
      await rm(keyFile, { force: true });
    }
  },
  // What a branch of the repository points at now (is a pull request's head really its own?).
  branchHead: async (deps, service, branch) => {
    const keyFile = join(deps.config.dataDir, 'run', `ls-remote-${service.id}-${process.hrtime.bigint()}.key`);
    await mkdir(join(deps.config.dataDir, 'run'), { recursive: true, mode: 0o700 });
    try {
      const { target, address } = await checkGitHost(service.git_url!, { allowPrivate: deps.config.gitAllowPrivate });
      const auth = await cloneAuth(deps, service, keyFile);
      return await remoteBranchHead({ url: service.git_url!, branch, caFile: deps.config.gitCaFile, knownHostsFile: join(deps.config.dataDir, 'known_hosts'), auth, pin: { ...target, address } });
    } finally {
      await rm(keyFile, { force: true });
    }
  },
};

/** Credentials for private repositories: the deploy key for ssh remotes, the token for https. */
async function cloneAuth(deps: FetchDeps, service: Service, keyFile: string): Promise<GitAuth | undefined> {
  const url = service.git_url ?? '';
  if (gitTarget(url).scheme === 'ssh' && service.deploy_key_private_sealed) {
    await writeFile(keyFile, unseal(deps.key, service.deploy_key_private_sealed), { mode: 0o600 });
    return { sshKeyFile: keyFile };
  }
  if (url.startsWith('https://') && service.https_token_sealed) {
    return { token: { username: 'x-access-token', password: unseal(deps.key, service.https_token_sealed), askpass: deps.askpassPath } };
  }
  return undefined;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? text;
}
