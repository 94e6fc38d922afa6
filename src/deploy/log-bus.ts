// Build-log lines and status changes of deployments: stored first, then announced to whoever
// follows the deployment (SSE clients of the UI, API and CLI).
import { EventEmitter } from 'node:events';
import type { Db } from '../db/open.js';
import type { DeploymentStatus } from '../db/schema.js';
import { appendDeploymentLog, cutDeploymentLog, getDeployment, readDeploymentLog } from '../store/deployments.js';
import { isFinished } from '../store/deployment-status.js';

/** `record`: something of the deployment besides its status changed (a step began or ended,
 *  its commit became known); followers read it again. */
export type DeploymentEvent = { type: 'line'; id: number; line: string; at: string } | { type: 'status'; status: DeploymentStatus; reason?: string | null } | { type: 'record' };

/** A status change of any deployment, for pages that show many. */
export interface StatusChange {
  deploymentId: number;
  status: DeploymentStatus;
}

const ANY_STATUS = 'status';

/** What a deployment's stored log keeps: its first `head` lines and its last `tail` (give or
 *  take `batch`), with one line saying how many were cut between; no line longer than `lineChars`.
 *  Live followers see every line. */
export interface LogLimits {
  head: number;
  tail: number;
  batch: number;
  lineChars: number;
}

export const LOG_LIMITS: LogLimits = { head: 1000, tail: 3000, batch: 500, lineChars: 8192 };

export function clipLine(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max)} … (${line.length - max} more characters cut)` : line;
}

export class DeploymentLogBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly writes = new Map<number, Promise<void>>();
  /** Lines stored and lines cut, per deployment being written. */
  private readonly counts = new Map<number, { stored: number; cut: number }>();

  constructor(private readonly db: Db, private readonly limits: LogLimits = LOG_LIMITS) {}

  /** Stores a line (in order per deployment) and announces it. */
  line(deploymentId: number, raw: string): Promise<void> {
    const previous = this.writes.get(deploymentId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const line = clipLine(raw, this.limits.lineChars);
      const { id, at } = await appendDeploymentLog(this.db, deploymentId, line);
      this.emitter.emit(String(deploymentId), { type: 'line', id, line, at } satisfies DeploymentEvent);
      await this.bound(deploymentId);
    });
    this.writes.set(deploymentId, next.catch(() => {}));
    return next;
  }

  /** Waits for the stored lines to be written, then announces the status. */
  async status(deploymentId: number, status: DeploymentStatus, reason?: string | null): Promise<void> {
    await this.writes.get(deploymentId);
    this.emitter.emit(String(deploymentId), { type: 'status', status, reason } satisfies DeploymentEvent);
    this.emitter.emit(ANY_STATUS, { deploymentId, status } satisfies StatusChange);
    if (isFinished(status)) {
      this.writes.delete(deploymentId);
      this.counts.delete(deploymentId);
    }
  }

  /** Announces that the deployment's record changed (see `record` events). */
  changed(deploymentId: number): void {
    this.emitter.emit(String(deploymentId), { type: 'record' } satisfies DeploymentEvent);
  }

  /** Calls the listener on every status change of every deployment until the returned function is called. */
  watchStatuses(listener: (change: StatusChange) => void): () => void {
    this.emitter.on(ANY_STATUS, listener);
    return () => this.emitter.off(ANY_STATUS, listener);
  }

  private async bound(deploymentId: number): Promise<void> {
    const { head, tail, batch } = this.limits;
    const count = this.counts.get(deploymentId) ?? { stored: 0, cut: 0 };
    this.counts.set(deploymentId, count);
    count.stored++;
    if (count.stored <= head + tail + batch) return;
    // Rows kept: the head, the marker, the tail. The first cut turns a line into the marker.
    const drop = count.stored - head - 1 - tail;
    const cut = count.cut + drop + (count.cut ? 0 : 1);
    await cutDeploymentLog(this.db, deploymentId, { head, count: drop, marker: `… ${cut} lines cut here: Spur keeps the first ${head} and the last ${tail} lines of a deployment's log …` });
    count.cut = cut;
    count.stored = head + 1 + tail;
  }

  /** Replays the stored log after `afterId`, then live events until the deployment finishes or
   *  the signal aborts. Subscribes before reading so no line falls between backlog and live. */
  async follow(deploymentId: number, opts: { afterId: number; onEvent: (e: DeploymentEvent) => void; signal?: AbortSignal }): Promise<void> {
    const live: DeploymentEvent[] = [];
    let replaying = true;
    let lastId = opts.afterId;
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const deliver = (e: DeploymentEvent) => {
      if (e.type === 'line') {
        if (e.id <= lastId) return;
        lastId = e.id;
      }
      opts.onEvent(e);
      if (e.type === 'status' && isFinished(e.status)) finish();
    };
    const listener = (e: DeploymentEvent) => (replaying ? live.push(e) : deliver(e));
    this.emitter.on(String(deploymentId), listener);
    opts.signal?.addEventListener('abort', () => finish(), { once: true });
    try {
      for (const row of await readDeploymentLog(this.db, deploymentId, opts.afterId)) deliver({ type: 'line', id: row.id, line: row.line, at: row.at });
      const current = await getDeployment(this.db, deploymentId);
      replaying = false;
      live.forEach(deliver);
      deliver({ type: 'status', status: current.status, reason: current.failure_reason });
      await finished;
    } finally {
      this.emitter.off(String(deploymentId), listener);
    }
  }
}
