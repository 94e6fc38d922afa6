// Fetches a service's source: a shallow clone of a branch (optionally at an exact commit), with
// git restricted to the https and ssh transports and never prompting; or a checkout of a commit
// from one of Spur's own bare repositories (git push).
import { simpleGit } from 'simple-git';
import { Conflict } from '../errors.js';

export interface GitAuth {
  /** Private key file for ssh:// remotes (a service's deploy key). */
  sshKeyFile?: string;
  /** Token for https:// remotes, answered through GIT_ASKPASS (never in a URL or argv). */
  token?: { username: string; password: string; askpass: string };
}

export interface CheckoutRequest {
  url: string;
  branch: string;
  /** Deploy exactly this commit (webhooks); otherwise the branch head. */
  commit?: string;
  dir: string;
  /** Extra CA bundle for hosts with a private certificate authority. */
  caFile?: string;
  knownHostsFile?: string;
  auth?: GitAuth;
  /** The address checked for the URL's host (build/git-host.ts): an http(s) clone connects to
   *  exactly it, so a second DNS answer cannot send git elsewhere. */
  pin?: { host: string; port: number; address: string; allowHttp: boolean };
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Checkout {
  sha: string;
  message: string;
}

/** Paths in these values are Spur's own (data dir, validated at start), never user input. */
export function gitEnvironment(opts: { caFile?: string; knownHostsFile?: string; auth?: GitAuth; pin?: CheckoutRequest['pin'] } = {}): Record<string, string> {
  const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new'];
  if (opts.knownHostsFile) ssh.push('-o', `UserKnownHostsFile='${opts.knownHostsFile}'`);
  if (opts.auth?.sshKeyFile) ssh.push('-o', 'IdentitiesOnly=yes', '-i', `'${opts.auth.sshKeyFile}'`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: opts.pin?.allowHttp ? 'https:http:ssh' : 'https:ssh',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_SSH_COMMAND: ssh.join(' '),
  };
  if (opts.caFile) env.GIT_SSL_CAINFO = opts.caFile;
  if (opts.pin) {
    const address = opts.pin.address.includes(':') ? `[${opts.pin.address}]` : opts.pin.address;
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.curloptResolve', GIT_CONFIG_VALUE_0: `${opts.pin.host}:${opts.pin.port}:${address}` });
  }
  if (opts.auth?.token) {
    env.GIT_ASKPASS = opts.auth.token.askpass;
    env.SPUR_ASKPASS = '1';
    env.SPUR_GIT_USERNAME = opts.auth.token.username;
    env.SPUR_GIT_PASSWORD = opts.auth.token.password;
  }
  return env;
}

// The ssh command and askpass program are Spur's own fixed values, not user input; the one
// GIT_CONFIG_COUNT entry pins an http(s) clone to the address Spur checked.
const UNSAFE_OK = { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeConfigEnvCount: true };

/** Clones `branch` of `url` into `dir` (which must not exist) and reports the commit it got. */
export async function cloneBranchHead(req: CheckoutRequest): Promise<Checkout> {
  const env = gitEnvironment(req);
  const git = simpleGit({ timeout: { block: req.timeoutMs ?? 300_000 }, abort: req.signal, unsafe: UNSAFE_OK }).env(env);
  // Options come first and `--` ends them, so the URL and path can never be read as options.
  await git.clone(req.url, req.dir, ['--depth', '1', '--single-branch', '--no-tags', '--branch', req.branch, '--']);
  const inRepo = simpleGit({ baseDir: req.dir, abort: req.signal, unsafe: UNSAFE_OK }).env(env);
  if (req.commit && (await inRepo.revparse(['HEAD'])) !== req.commit) {
    // The branch moved on since the push: fetch exactly the pushed commit.
    await inRepo.raw(['fetch', '--depth', '1', 'origin', req.commit]).catch(() => {
      throw new Error(`commit ${req.commit} is not available from ${req.url}`);
    });
    await inRepo.raw(['checkout', '--quiet', '--detach', req.commit]);
  }
  return describeHead(inRepo, 'HEAD');
}

async function describeHead(git: ReturnType<typeof simpleGit>, rev: string, gitDir?: string): Promise<Checkout> {
  const log = await git.raw([...(gitDir ? ['--git-dir', gitDir] : []), 'log', '-1', '--format=%H%n%s', rev, '--']);
  const [sha, ...subject] = log.trim().split('\n');
  return { sha, message: subject.join('\n') };
}

/** Writes the tree of `rev` (a sha, or a branch) from a bare repository into `dir`, leaving the
 *  repository's HEAD and index alone. `objectEnv` carries a push's quarantine while its
 *  pre-receive hook runs. */
export async function checkoutFromRepo(req: { repoDir: string; rev: string; dir: string; objectEnv?: Record<string, string> }): Promise<Checkout> {
  const env = { ...gitEnvironment(), GIT_INDEX_FILE: `${req.dir}.index`, ...req.objectEnv };
  const git = simpleGit({ baseDir: req.dir, unsafe: UNSAFE_OK }).env(env);
  const sha = (await git.raw(['--git-dir', req.repoDir, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${req.rev}^{commit}`]).catch(() => '')).trim();
  if (!sha) throw new Conflict(`nothing has been pushed to ${req.rev.replace(/^refs\/heads\//, 'branch ')} yet`);
  await git.raw(['--git-dir', req.repoDir, '--work-tree', req.dir, 'checkout', '--force', sha, '--', '.']);
  return describeHead(git, sha, req.repoDir);
}

/** The files that differ between two commits of a bare repository (a push's old and new heads);
 *  undefined when that cannot be told (a new branch, an unknown old commit). */
export async function changedFiles(req: { repoDir: string; from: string; to: string; objectEnv?: Record<string, string> }): Promise<string[] | undefined> {
  if (/^0+$/.test(req.from)) return undefined;
  const git = simpleGit({ baseDir: req.repoDir, unsafe: UNSAFE_OK }).env({ ...gitEnvironment(), ...req.objectEnv });
  try {
    const out = await git.raw(['--git-dir', req.repoDir, 'diff', '--name-only', '--no-renames', '-z', req.from, req.to, '--']);
    return out.split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}
