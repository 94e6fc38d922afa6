// Build-log lines and status changes of deployments: stored first, then announced to whoever
// follows the deployment (SSE clients of the UI, API and CLI).
import { EventEmitter } from 'node:events';
import type { Db } from '../db/open.js';
import type { DeploymentStatus } from '../db/schema.js';
import { appendDeploymentLog, getDeployment, readDeploymentLog } from '../store/deployments.js';
import { isFinished } from '../store/deployment-status.js';

export type DeploymentEvent = { type: 'line'; id: number; line: string } | { type: 'status'; status: DeploymentStatus; reason?: string | null };

export class DeploymentLogBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly writes = new Map<number, Promise<void>>();

  constructor(private readonly db: Db) {}

  /** Stores a line (in order per deployment) and announces it. */
  line(deploymentId: number, line: string): Promise<void> {
    const previous = this.writes.get(deploymentId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const id = await appendDeploymentLog(this.db, deploymentId, line);
      this.emitter.emit(String(deploymentId), { type: 'line', id, line } satisfies DeploymentEvent);
    });
    this.writes.set(deploymentId, next.catch(() => {}));
    return next;
  }

  /** Waits for the stored lines to be written, then announces the status. */
  async status(deploymentId: number, status: DeploymentStatus, reason?: string | null): Promise<void> {
    await this.writes.get(deploymentId);
    this.emitter.emit(String(deploymentId), { type: 'status', status, reason } satisfies DeploymentEvent);
    if (isFinished(status)) this.writes.delete(deploymentId);
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
      for (const row of await readDeploymentLog(this.db, deploymentId, opts.afterId)) deliver({ type: 'line', id: row.id, line: row.line });
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
