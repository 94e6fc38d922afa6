// Webhook delivery ids seen, so a redelivery deploys nothing new.
import type { Db } from '../db/open.js';
import { nowIso } from './time.js';

/** How long a delivery id is remembered. Past it, an old report is still refused when its commit
 *  is older than what runs (git/branches.ts, staleCommitReason). */
export const DELIVERY_MEMORY_DAYS = 30;

/** Records a delivery; false when its id was seen already. */
export async function recordDelivery(db: Db, d: { provider: string; deliveryId: string; serviceId: number }): Promise<boolean> {
  const result = await db
    .insertInto('webhook_deliveries')
    .values({ provider: d.provider, delivery_id: d.deliveryId.slice(0, 200), service_id: d.serviceId, received_at: nowIso() })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function forgetOldDeliveries(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DELIVERY_MEMORY_DAYS * 86_400_000).toISOString();
  const result = await db.deleteFrom('webhook_deliveries').where('received_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
