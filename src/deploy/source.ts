// Where a build's source comes from: the pushed commit, the bare repository, or a clone.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkGitHost, gitTarget } from '../git/host.js';
import { type Checkout, type GitAuth, checkoutFromRepo, cloneBranchHead } from '../git/clone.js';
import { repoDir } from '../git/repos.js';
import type { Deployment } from '../db/schema.js';
import { unseal } from '../secrets.js';
import type { InstanceContext } from '../store/services.js';
import { buildBranch } from '../git/branches.js';
import type { PipelineDeps, Steps } from './steps.js';

/** The source of a build, as the deployment records it: the commit pushed to Spur, the bare
 *  repository's branch (push-only services), or a clone of the remote at the branch head or at the
 *  commit a webhook named. Without a deployment (a preview), the branch head. */
export async function fetchSource(deps: PipelineDeps, ctx: InstanceContext, deployment: Pick<Deployment, 'commit_sha' | 'pushed_objects'> | undefined, dir: string, steps: Pick<Steps, 'say' | 'signal'>): Promise<Checkout> {
  const { service, project } = ctx;
  const branch = buildBranch(service, ctx.instance);
  const commit = deployment?.commit_sha ?? undefined;
  const pushedTo = repoDir(deps.config.dataDir, { projectId: project.id, serviceId: service.id });
  if (commit && deployment?.pushed_objects != null) {
    await steps.say(`Using the pushed commit ${commit.slice(0, 12)}`);
    return checkoutFromRepo({ repoDir: pushedTo, rev: commit, objectEnv: JSON.parse(deployment.pushed_objects) as Record<string, string>, dir });
  }
  if (service.source_type === 'push') {
    await steps.say(`Using the head of branch ${branch} as last pushed`);
    return checkoutFromRepo({ repoDir: pushedTo, rev: `refs/heads/${branch}`, dir });
  }
  await steps.say(`Fetching ${service.git_url} (branch ${branch}${commit ? `, commit ${commit.slice(0, 12)}` : ''})`);
  const keyFile = `${dir}.key`;
  try {
    const { target, address } = await checkGitHost(service.git_url!, { allowPrivate: deps.config.gitAllowPrivate });
    const pin = { ...target, address };
    const auth = await cloneAuth(deps, service, keyFile);
    return await cloneBranchHead({ url: service.git_url!, branch, commit, dir, caFile: deps.config.gitCaFile, knownHostsFile: join(deps.config.dataDir, 'known_hosts'), auth, pin, signal: steps.signal });
  } catch (err) {
    if (steps.signal.aborted) throw err;
    throw new Error(`could not fetch branch ${branch}: ${lastLine((err as Error).message)}`);
  } finally {
    await rm(keyFile, { force: true });
  }
}

/** Credentials for private repositories: the deploy key for ssh remotes, the token for https. */
async function cloneAuth(deps: PipelineDeps, service: InstanceContext['service'], keyFile: string): Promise<GitAuth | undefined> {
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
