// Fetches a service's source: a shallow clone of a branch (optionally at an exact commit), with
// git restricted to the https and ssh transports and never prompting; or a checkout of a commit
// from one of Spur's own bare repositories (git push).
import { isIP } from 'node:net';
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
  /** The address checked for the URL's host (build/git-host.ts): a clone connects to exactly it
   *  (https through curl's resolve list, ssh through HostName), so a second DNS answer cannot
   *  send git elsewhere. */
  pin?: GitPin;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface GitPin {
  scheme: 'https' | 'http' | 'ssh';
  host: string;
  port: number;
  address: string;
}

export interface Checkout {
  sha: string;
  message: string;
}

/** Paths in these values are Spur's own (data dir, validated at start), never user input. */
export function gitEnvironment(opts: { caFile?: string; knownHostsFile?: string; auth?: GitAuth; pin?: GitPin } = {}): Record<string, string> {
  const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new'];
  if (opts.knownHostsFile) ssh.push('-o', `UserKnownHostsFile='${opts.knownHostsFile}'`);
  if (opts.auth?.sshKeyFile) ssh.push('-o', 'IdentitiesOnly=yes', '-i', `'${opts.auth.sshKeyFile}'`);
  if (opts.pin?.scheme === 'ssh') ssh.push(...sshPin(opts.pin));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: opts.pin?.scheme === 'http' ? 'https:http:ssh' : 'https:ssh',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_SSH_COMMAND: ssh.join(' '),
  };
  if (opts.caFile) env.GIT_SSL_CAINFO = opts.caFile;
  // A redirect would lead git to a host Spur never checked (and its error text would tell what
  // is there): none is followed, nor are a dumb server's alternates (git treats them alike).
  const config: [string, string][] = [['http.followRedirects', 'false']];
  if (opts.pin && opts.pin.scheme !== 'ssh') {
    const address = opts.pin.address.includes(':') ? `[${opts.pin.address}]` : opts.pin.address;
    config.push(['http.curloptResolve', `${opts.pin.host}:${opts.pin.port}:${address}`]);
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => Object.assign(env, { [`GIT_CONFIG_KEY_${i}`]: key, [`GIT_CONFIG_VALUE_${i}`]: value }));
  if (opts.auth?.token) {
    env.GIT_ASKPASS = opts.auth.token.askpass;
    env.SPUR_ASKPASS = '1';
    env.SPUR_GIT_USERNAME = opts.auth.token.username;
    env.SPUR_GIT_PASSWORD = opts.auth.token.password;
  }
  return env;
}

/** ssh options that connect to the checked address while the host key stays known by the URL's
 *  name (`[name]:port` for another port, as ssh itself records it). git runs GIT_SSH_COMMAND
 *  through a shell: both values are checked to be plain characters, then quoted. */
function sshPin(pin: GitPin): string[] {
  const host = pin.host.toLowerCase();
  const plainHost = /^[a-z0-9.-]+$/.test(host) || (isIP(host) === 6 && /^[0-9a-f:.]+$/.test(host));
  const plainAddress = isIP(pin.address) !== 0 && /^[0-9A-Fa-f:.]+$/.test(pin.address);
  if (!plainHost || !plainAddress || !Number.isInteger(pin.port) || pin.port < 1 || pin.port > 65535) {
    throw new Error(`${JSON.stringify(pin.host)} at ${JSON.stringify(pin.address)} is not a plain host name and address`);
  }
  const alias = pin.port === 22 ? host : `[${host}]:${pin.port}`;
  return ['-o', `'HostKeyAlias=${alias}'`, '-o', `'HostName=${pin.address}'`];
}

// The ssh command and askpass program are Spur's own fixed values, not user input; the
// GIT_CONFIG_COUNT entries turn redirects off and pin an http(s) clone to the address Spur checked.
const UNSAFE_OK = { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeConfigEnvCount: true };

/** Clones `branch` of `url` into `dir` (which must not exist) and reports the commit it got. */
export async function cloneBranchHead(req: CheckoutRequest): Promise<Checkout> {
  const env = gitEnvironment(req);
  const git = simpleGit({ timeout: { block: req.timeoutMs ?? 300_000 }, abort: req.signal, unsafe: UNSAFE_OK }).env(env);
  // Options come first and `--` ends them, so the URL and path can never be read as options.
  await git.clone(req.url, req.dir, ['--depth', '1', '--single-branch', '--no-tags', '--branch', req.branch, '--']).catch((err: Error) => {
    throw refusedRedirect(err, req.pin) ?? err;
  });
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

/** The commit a branch of `url` points at now, or undefined when it has no such branch. */
export async function remoteBranchHead(req: Omit<CheckoutRequest, 'dir' | 'commit'>): Promise<string | undefined> {
  const git = simpleGit({ timeout: { block: req.timeoutMs ?? 60_000 }, abort: req.signal, unsafe: UNSAFE_OK }).env(gitEnvironment(req));
  // `--` ends the options: the URL and the ref can never be read as one.
  const out = await git.raw(['ls-remote', '--heads', '--', req.url, `refs/heads/${req.branch}`]).catch((err: Error) => {
    throw refusedRedirect(err, req.pin) ?? err;
  });
  const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${req.branch}`));
  return line?.split('\t')[0];
}

/** git's "The requested URL returned error: 301" said as what happened and what to do. */
function refusedRedirect(err: Error, pin: GitPin | undefined): Error | undefined {
  const status = /returned error: (30[0-8])\b/.exec(err.message)?.[1];
  if (!status) return undefined;
  return new Error(`${pin?.host ?? 'the git host'} answered with a redirect (HTTP ${status}), which Spur does not follow: give the repository's own URL`);
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
