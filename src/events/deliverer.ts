// Sends the deliveries the outbox holds (src/store/events.ts): every few seconds, those due, a few
// at a time, each signed like the alert webhook (X-Spur-Timestamp, X-Spur-Signature over
// "<timestamp>.<body>"), and records how each went. One that fails is tried again later
// (schedule.ts); a restart loses nothing, since what is due is read from the database each time.
import type { Db } from '../db/open.js';
import { DeliveryFailed, post } from '../alerts/channels/send.js';
import { signature } from '../alerts/channels/webhook.js';
import type { Log } from '../log.js';
import { deliveriesToSend, dueTurns, eventPayload, recordAttempt, webhookSecrets, type DueDelivery } from '../store/events.js';
import { retryAt } from './schedule.js';
import { chooseBatch } from './turns.js';

export const EVENT_POLL_MS = 2000;
/** Deliveries sent at once: a receiver that takes its time holds one slot, not the rest. */
const AT_ONCE = 4;
const BATCH = 20;
/** Of one project, at most this many in a batch: each project gets its turn (turns.ts). */
const PER_PROJECT = 4;

export interface DelivererDeps {
  db: Db;
  key: Buffer;
  config: { notifyAllowPrivate: boolean };
  log: Log;
}

/** The request a delivery sends. Pure but for the clock it is given. */
export function signedDelivery(d: DueDelivery, secrets: { url: string; secret: string }, now: Date) {
  const body = JSON.stringify(eventPayload(d.event, d.project));
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    url: secrets.url,
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Spur-Events',
      'X-Spur-Event': d.event.type,
      'X-Spur-Delivery': String(d.id),
      'X-Spur-Timestamp': timestamp,
      'X-Spur-Signature': signature(secrets.secret, timestamp, body),
    },
  };
}

export class EventDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** In which batch each project was last served (in memory: a restart starts everyone even). */
  private readonly servedIn = new Map<number, number>();
  private batches = 0;

  constructor(private readonly deps: DelivererDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.deliverDue().then(() => undefined)
        .catch((err) => this.deps.log.warn('event deliveries', { error: (err as Error).message }))
        .finally(() => this.schedule());
    }, EVENT_POLL_MS);
    this.timer.unref();
  }

  /** Sends every delivery due now; returns once each has been tried. */
  async deliverDue(now = () => new Date()): Promise<number> {
    let sent = 0;
    // Each delivery once a call: one whose outcome could not be recorded stays due, and must not
    // be sent again and again until the database answers.
    const tried = new Set<number>();
    for (;;) {
      const due = (await dueTurns(this.deps.db, now().toISOString(), PER_PROJECT)).filter((t) => !tried.has(t.id));
      const chosen = chooseBatch(due, this.servedIn, BATCH);
      if (!chosen.length) return sent;
      for (const t of chosen) tried.add(t.id);
      const batch = ++this.batches;
      for (const t of chosen) this.servedIn.set(t.projectId, batch);
      const toSend = await deliveriesToSend(this.deps.db, chosen.map((t) => t.id));
      // AT_ONCE senders take the batch in turn, each the next delivery as soon as its last ended.
      let next = 0;
      const sender = async () => {
        while (next < toSend.length) await this.deliver(toSend[next++]!, now);
      };
      await Promise.all(Array.from({ length: Math.min(AT_ONCE, toSend.length) }, sender));
      sent += toSend.length;
      if (this.stopped) return sent;
    }
  }

  /** Sends one delivery and records how it went; never throws (a sender that threw would end its
   *  batch while the others still send, and the next poll would send theirs again). */
  private async deliver(d: DueDelivery, now: () => Date): Promise<void> {
    try {
      let outcome: Parameters<typeof recordAttempt>[2];
      try {
        const status = await post(signedDelivery(d, webhookSecrets(this.deps.key, d.webhook), now()), { allowPrivate: this.deps.config.notifyAllowPrivate });
        outcome = { delivered: true, status, error: null, retryAt: null };
      } catch (err) {
        const failed = err instanceof DeliveryFailed ? err : new DeliveryFailed((err as Error).message);
        outcome = { delivered: false, status: failed.status, error: failed.message.slice(0, 300), retryAt: retryAt(d.attempts + 1, now()) };
      }
      await recordAttempt(this.deps.db, d.id, outcome);
    } catch (err) {
      this.deps.log.warn('event delivery not recorded', { delivery: d.id, error: (err as Error).message });
    }
  }
}
