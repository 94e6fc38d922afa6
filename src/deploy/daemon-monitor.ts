// Keeps Spur's view of the Docker daemon current and converges it (Swarm, edge network) when it
// becomes reachable. Spur keeps running, and says so, while Docker is away.
import type { DockerClient } from '../docker/client.js';
import { type DaemonState, ensureEdgeNetwork, ensureSwarm } from '../docker/daemon.js';
import type { Log } from '../log.js';

/** A check slower than this is worth a line in the log: a busy or stuck daemon slows everything. */
const SLOW_CHECK_S = 5;
/** A check still waiting this long says so while it waits: a daemon that never answers would
 *  otherwise leave no line at all (and, at start, Spur not listening yet). */
const STILL_WAITING_S = 10;

export class DaemonMonitor {
  state: DaemonState = { reachable: false, swarm: false, problem: 'Docker has not been checked yet' };
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: { docker: DockerClient; log: Log; advertiseAddr: string; onReady?: () => Promise<void>; stillWaitingS?: number }) {}

  /** Checks now; when the daemon turns ready, converges it and runs onReady once. */
  async check(): Promise<DaemonState> {
    const wasReady = this.ready;
    const started = Date.now();
    const stillWaitingS = this.opts.stillWaitingS ?? STILL_WAITING_S;
    const waiting = setInterval(() => this.opts.log.warn(`Docker has not answered for ${Math.round((Date.now() - started) / 1000)} s; still waiting`), stillWaitingS * 1000);
    let state: DaemonState;
    try {
      state = await ensureSwarm(this.opts.docker, { advertiseAddr: this.opts.advertiseAddr, log: this.opts.log });
      if (state.reachable && state.swarm) {
        try {
          await ensureEdgeNetwork(this.opts.docker);
        } catch (err) {
          state = { ...state, problem: `could not create the spur-edge network: ${(err as Error).message}` };
        }
      }
    } finally {
      clearInterval(waiting);
    }
    this.state = state;
    const tookS = (Date.now() - started) / 1000;
    if (tookS > SLOW_CHECK_S) this.opts.log.warn(`Docker answered slowly: checking the engine took ${tookS.toFixed(1)} s`);
    if (!wasReady && this.ready) {
      this.opts.log.info('docker engine ready', { version: state.version, api: state.apiVersion, speaking: state.api?.using });
      await this.opts.onReady?.().catch((err) => this.opts.log.error('engine startup work failed', { error: String(err) }));
    } else if (!this.ready) {
      this.opts.log.warn('docker engine not ready', { problem: state.problem });
    }
    return state;
  }

  get ready(): boolean {
    return this.state.reachable && this.state.swarm && !this.state.problem;
  }

  /** Re-checks every interval; cheap when healthy (two API calls). */
  start(intervalMs = 15_000): void {
    this.timer = setInterval(() => void this.check().catch((err) => this.opts.log.error('checking the Docker engine failed', { error: String(err) })), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
