// Autoscaling's records (migration 042): the instances it looks after, each change of replicas it
// made (kept as scale_events, shown among the deployments), and its change applied or undone
// together with that event.
import type { Db } from '../db/open.js';

export interface AutoscaledInstance {
  projectId: number;
  project: string;
  service: string;
  environment: string;
  service_id: number;
  environment_id: number;
  replicas: number;
  cpu_limit: number | null;
  memory_limit_mb: number | null;
  autoscale_min: number | null;
  autoscale_max: number | null;
  autoscale_cpu: number | null;
  autoscale_memory: number | null;
}

type Scope = Pick<AutoscaledInstance, 'service_id' | 'environment_id'>;

/** The service instances with autoscaling on. */
export function autoscaledInstances(db: Db): Promise<AutoscaledInstance[]> {
  return db
    .selectFrom('service_instances as i')
    .innerJoin('services as s', 's.id', 'i.service_id')
    .innerJoin('environments as e', 'e.id', 'i.environment_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .select(['p.id as projectId', 'p.name as project', 's.name as service', 'e.name as environment', 'i.service_id', 'i.environment_id', 'i.replicas', 'i.cpu_limit', 'i.memory_limit_mb', 'i.autoscale_min', 'i.autoscale_max', 'i.autoscale_cpu', 'i.autoscale_memory'])
    .where('i.autoscale_max', 'is not', null)
    .execute();
}

export async function deploymentInFlight(db: Db, i: Scope): Promise<boolean> {
  return !!(await db.selectFrom('deployments').select('id').where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).where('status', 'in', ['queued', 'building', 'deploying']).executeTakeFirst());
}

/** When the autoscaler last changed it, and when a deployment of it last ended (epoch seconds). */
export async function lastChanges(db: Db, i: Scope): Promise<{ scaledAtS: number | null; deployedAtS: number | null }> {
  const scaled = await db.selectFrom('scale_events').select('at').where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).orderBy('id', 'desc').executeTakeFirst();
  const deployed = await db.selectFrom('deployments').select((eb) => eb.fn.max('finished_at').as('at')).where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).executeTakeFirst();
  const s = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);
  return { scaledAtS: s(scaled?.at), deployedAtS: s(deployed?.at) };
}

/** Sets the replicas and keeps the event, together: only if they are still `from` and no
 *  deployment was asked for meanwhile. The event's id, or undefined when either is not so. */
export function recordScale(db: Db, i: Scope, change: { from: number; to: number; reason: string; at: string }): Promise<number | undefined> {
  return db.transaction().execute(async (tx) => {
    if (await deploymentInFlight(tx, i)) return undefined;
    const r = await tx.updateTable('service_instances').set({ replicas: change.to }).where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).where('replicas', '=', change.from).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return (await tx.insertInto('scale_events').values({ service_id: i.service_id, environment_id: i.environment_id, at: change.at, from_replicas: change.from, to_replicas: change.to, reason: change.reason }).returning('id').executeTakeFirstOrThrow()).id;
  });
}

/** Takes a recorded change back (Swarm refused it): the replicas as they were, unless changed since, and no event. */
export async function undoScale(db: Db, i: Scope, event: number, change: { from: number; to: number }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('service_instances').set({ replicas: change.from }).where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).where('replicas', '=', change.to).execute();
    await tx.deleteFrom('scale_events').where('id', '=', event).execute();
  });
}

/** How long a change is kept in the history. */
export const SCALE_EVENTS_KEPT_S = 90 * 86_400;

export async function forgetOldScaleEvents(db: Db, nowS: number): Promise<void> {
  await db.deleteFrom('scale_events').where('at', '<', new Date((nowS - SCALE_EVENTS_KEPT_S) * 1000).toISOString()).execute();
}

/** The instance's changes, newest first. */
export function scaleEvents(db: Db, i: { serviceId: number; environmentId: number }, limit: number) {
  return db.selectFrom('scale_events').select(['at', 'from_replicas', 'to_replicas', 'reason']).where('service_id', '=', i.serviceId).where('environment_id', '=', i.environmentId).orderBy('id', 'desc').limit(limit).execute();
}
