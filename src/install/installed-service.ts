// The installed Spur as the server commands see it: the systemd unit install.sh writes
// (spur.service), a `spur serve` started by hand (its pid file), and whether it answers.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const UNIT = 'spur';

export const pidFile = (dataDir: string) => join(dataDir, 'run', 'spur.pid');

export async function unitActive(): Promise<boolean> {
  return run('systemctl', ['is-active', '--quiet', UNIT]).then(() => true, () => false);
}

export async function unitInstalled(): Promise<boolean> {
  return run('systemctl', ['cat', UNIT], { timeout: 10_000 }).then(() => true, () => false);
}

/** A start is never refused by systemd's start limit: a crash loop just before (a broken release
 *  restarted every 2 s) fills it, and then the start that puts the old release back would fail. */
export async function systemctl(action: 'start' | 'stop' | 'restart'): Promise<void> {
  if (action !== 'stop') await run('systemctl', ['reset-failed', UNIT], { timeout: 30_000 }).catch(() => {});
  await run('systemctl', [action, UNIT], { timeout: 120_000 });
}

/** The pid of a `spur serve` running on this data dir, if one is. */
export function runningServerPid(dataDir: string): number | undefined {
  const file = pidFile(dataDir);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Waits until Spur answers /healthz on `port` (with `version`, when given). */
export async function waitUntilAnswering(port: number, opts: { version?: string; timeoutMs: number }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { version?: string };
      if (res.ok && (!opts.version || body.version === opts.version)) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
