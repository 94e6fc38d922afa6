// `spur update`: replaces the installed executable with a verified release, restarts
// spur.service, and puts the previous executable and the database back when the new one does
// not answer within 60 s. Deployed apps run in Swarm and keep serving throughout.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config.js';
import { snapshotDatabase } from '../db/snapshot.js';
import { oneLine } from '../errors.js';
import { systemctl, unitInstalled, waitUntilAnswering } from '../install/installed-service.js';
import { VERSION } from '../version.js';
import { downloadVerified, fetchLatestRelease } from './download.js';
import { latestReleaseUrl, releaseUrls, releaseVersion } from './releases.js';

const run = promisify(execFile);
export const HEALTHY_WITHIN_MS = 60_000;

export const installedBinary = (dataDir: string) => join(dataDir, 'bin', 'spur');

export async function updateSpur(config: Config, opts: { version?: string; say: (line: string) => void }): Promise<{ from: string; to: string; updated: boolean }> {
  const binary = installedBinary(config.dataDir);
  if (!(await unitInstalled()) || !existsSync(binary)) {
    throw new Error(`spur update works on a server installed with install.sh (spur.service running ${binary}); this is not one`);
  }
  const from = await runningVersion(config.port);
  const to = opts.version ? releaseVersion(opts.version) : (await fetchLatestRelease(latestReleaseUrl(config.downloadUrl))).version;
  if (to === from) {
    opts.say(`Spur ${from} is already running`);
    return { from, to, updated: false };
  }

  const download = `${binary}.download`;
  const urls = releaseUrls(config.downloadUrl, to);
  opts.say(`Downloading Spur ${to} from ${urls.binary}`);
  const sha256 = await downloadVerified(urls, download);
  opts.say(`SHA-256 ${sha256} matches`);
  const reported = await run(download, ['--version'], { timeout: 30_000 }).then((r) => r.stdout.trim(), (err) => `failed: ${String(err.message).split('\n')[0]}`);
  if (!reported.startsWith(`spur ${to} `)) {
    rmSync(download, { force: true });
    throw new Error(`the downloaded executable says "${reported}", not Spur ${to}; nothing was changed`);
  }

  opts.say('Stopping spur.service (deployed apps keep serving)');
  await systemctl('stop');
  const dbFile = join(config.dataDir, 'spur.db');
  mkdirSync(join(config.dataDir, 'backups'), { recursive: true, mode: 0o700 });
  const snapshot = join(config.dataDir, 'backups', `before-update-${from}-to-${to}.db`);
  await snapshotDatabase(dbFile, snapshot);
  opts.say(`Database snapshot: ${snapshot}`);
  copyFileSync(binary, `${binary}.previous`);
  renameSync(download, binary);
  opts.say(`Starting Spur ${to}`);
  // A start systemd refuses is a release that does not answer: the old one goes back all the same.
  const start = () => systemctl('start').then(() => true, (err: unknown) => (opts.say(`systemctl start spur failed: ${oneLine(err)}`), false));
  const started = await start();
  if (started && (await waitUntilAnswering(config.port, { version: to, timeoutMs: HEALTHY_WITHIN_MS }))) {
    opts.say(`Spur ${to} is running`);
    return { from, to, updated: true };
  }

  const failure = started ? `did not answer within ${HEALTHY_WITHIN_MS / 1000} s` : 'was not started by systemd';
  opts.say(`Spur ${to} ${failure}; putting back Spur ${from} and the database`);
  await systemctl('stop');
  copyFileSync(snapshot, `${dbFile}.restoring`);
  rmSync(`${dbFile}-wal`, { force: true });
  rmSync(`${dbFile}-shm`, { force: true });
  renameSync(`${dbFile}.restoring`, dbFile);
  renameSync(`${binary}.previous`, binary);
  const back = (await start()) && (await waitUntilAnswering(config.port, { version: from, timeoutMs: HEALTHY_WITHIN_MS }));
  throw new Error(`Spur ${to} ${failure} (see journalctl -u spur); Spur ${from} and its database are back${back ? ' and running' : ', but it does not answer either'}`);
}

/** The version spur.service runs now (this executable's, if it does not answer). */
async function runningVersion(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
    return ((await res.json()) as { version?: string }).version ?? VERSION;
  } catch {
    return VERSION;
  }
}
