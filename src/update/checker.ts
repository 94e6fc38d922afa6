// Whether a newer release exists: the release feed is read at start and then once a day (never
// when SPUR_UPDATE_CHECK=0). An owner can start the update from the UI or the API; it runs as
// `spur update` in a transient systemd unit, outside spur.service, so it outlives the restart.
import { spawn } from 'node:child_process';
import { envFilePath } from '../config.js';
import { Conflict } from '../errors.js';
import { selfCommand } from '../executable.js';
import { unitInstalled } from '../install/installed-service.js';
import type { Log } from '../log.js';
import { VERSION } from '../version.js';
import { fetchLatestRelease } from './download.js';
import { compareVersions, latestReleaseUrl } from './releases.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export class UpdateChecker {
  /** The newest release, when it is newer than this Spur. */
  available?: { version: string; commit: string };
  private timer?: NodeJS.Timeout;
  private started?: { version: string; at: number };

  constructor(private readonly opts: { downloadUrl: string; enabled: boolean; log: Log }) {}

  start(): void {
    if (!this.opts.enabled) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), DAY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    try {
      const latest = await fetchLatestRelease(latestReleaseUrl(this.opts.downloadUrl));
      this.available = compareVersions(latest.version, VERSION) > 0 ? latest : undefined;
      if (this.available) this.opts.log.info(`Spur ${latest.version} is available (this is ${VERSION}); update with: spur update`);
    } catch (err) {
      this.opts.log.warn('could not read the release feed', { error: (err as Error).message });
    }
  }

  /** Starts `spur update --version V` beside spur.service; returns the version it goes to. */
  async launch(): Promise<string> {
    const target = this.available?.version;
    if (!target) throw new Conflict(`no newer release than ${VERSION} is known`);
    if (this.started && Date.now() - this.started.at < 5 * 60_000) throw new Conflict(`an update to ${this.started.version} is under way`);
    if (!(await unitInstalled())) throw new Conflict('updates from the UI need the spur.service unit install.sh writes; this Spur was not installed with it');
    const child = spawn('systemd-run', ['--unit', `spur-update-${Date.now()}`, '--collect', '--quiet', '--property', `EnvironmentFile=-${envFilePath(process.env)}`, '--', ...selfCommand(), 'update', '--version', target], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('error', (err) => reject(new Conflict(`systemd-run could not start the update: ${err.message}`)));
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Conflict(`systemd-run could not start the update (exit ${code})`))));
    });
    this.started = { version: target, at: Date.now() };
    this.opts.log.info(`update to ${target} started: journalctl -u 'spur-update-*'`);
    return target;
  }
}
