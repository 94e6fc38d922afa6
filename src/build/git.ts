// Fetches a service's source: a shallow clone of one branch head, with git restricted to the
// https and ssh transports and never prompting.
import { simpleGit } from 'simple-git';

export interface CheckoutRequest {
  url: string;
  branch: string;
  dir: string;
  /** Extra CA bundle for hosts with a private certificate authority. */
  caFile?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Checkout {
  sha: string;
  message: string;
}

export function gitEnvironment(caFile?: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'https:ssh',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new',
  };
  if (caFile) env.GIT_SSL_CAINFO = caFile;
  return env;
}

/** Clones `branch` of `url` into `dir` (which must not exist) and reports the commit it got. */
export async function cloneBranchHead(req: CheckoutRequest): Promise<Checkout> {
  // The ssh command is our own fixed string (batch mode, no prompts), not user input.
  const git = simpleGit({ timeout: { block: req.timeoutMs ?? 300_000 }, abort: req.signal, unsafe: { allowUnsafeSshCommand: true } }).env(gitEnvironment(req.caFile));
  // Options come first and `--` ends them, so the URL and path can never be read as options.
  await git.clone(req.url, req.dir, ['--depth', '1', '--single-branch', '--no-tags', '--branch', req.branch, '--']);
  const log = await simpleGit({ baseDir: req.dir, unsafe: { allowUnsafeSshCommand: true } }).env(gitEnvironment()).raw(['log', '-1', '--format=%H%n%s']);
  const [sha, ...subject] = log.trim().split('\n');
  return { sha, message: subject.join('\n') };
}
