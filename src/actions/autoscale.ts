// The autoscaler, once a minute after the alerts: for each service instance with autoscaling on,
// the replicas its newest minute asks for (src/deploy/autoscale.ts), applied the way a person's
// scale is (the record, then Swarm, no task replaced), never while a deployment of it is under way
// or Swarm is rolling it out. Each change is kept (its deployment history shows it), audited as
// the autoscaler's, and sent to the project's channels.
import type { Deps } from '../deps.js';
import { autoscaleDecision } from '../deploy/autoscale.js';
import { swarmServiceName } from '../docker/names.js';
import { findService, scaleService } from '../docker/swarm.js';
import { type MetricPoint, newestMinutes } from '../store/metrics.js';
import { linkTo, notify } from './notify.js';
import { audit } from './record.js';

const MIB = 1024 * 1024;
const FRESH_S = 180;
const UP_COOL_DOWN_S = 60;

export interface ScaleChange {
  series: string;
  from: number;
  to: number;
  reason: string;
}

export async function runAutoscaler(deps: Deps, nowMs = Date.now()): Promise<ScaleChange[]> {
  if (!deps.daemon.ready) return [];
  const nowS = Math.floor(nowMs / 1000);
  const instances = await deps.db
    .selectFrom('service_instances as i')
    .innerJoin('services as s', 's.id', 'i.service_id')
    .innerJoin('environments as e', 'e.id', 'i.environment_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .select(['p.id as projectId', 'p.name as project', 's.name as service', 'e.name as environment', 'i.service_id', 'i.environment_id', 'i.replicas', 'i.cpu_limit', 'i.memory_limit_mb', 'i.autoscale_min', 'i.autoscale_max', 'i.autoscale_cpu', 'i.autoscale_memory'])
    .where('i.autoscale_max', 'is not', null)
    .execute();
  if (!instances.length) return [];
  const points = await newestMinutes(deps.db, nowS - FRESH_S);
  const changes: ScaleChange[] = [];
  for (const i of instances) {
    try {
      const change = await scaleOne(deps, i, points.get(swarmServiceName({ project: i.project, service: i.service, environment: i.environment })), nowMs);
      if (change) changes.push(change);
    } catch (err) {
      deps.log.warn('the autoscaler could not look at a service', { service: `${i.project}/${i.service} (${i.environment})`, error: String(err) });
    }
  }
  return changes;
}

type Instance = { projectId: number; project: string; service: string; environment: string; service_id: number; environment_id: number; replicas: number; cpu_limit: number | null; memory_limit_mb: number | null; autoscale_min: number | null; autoscale_max: number | null; autoscale_cpu: number | null; autoscale_memory: number | null };

const inFlight = (db: Deps['db'], i: Instance) => db.selectFrom('deployments').select('id').where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).where('status', 'in', ['queued', 'building', 'deploying']).executeTakeFirst();

async function scaleOne(deps: Deps, i: Instance, p: MetricPoint | undefined, nowMs: number): Promise<ScaleChange | undefined> {
  const nowS = Math.floor(nowMs / 1000);
  if (await inFlight(deps.db, i)) return undefined;
  const series = swarmServiceName({ project: i.project, service: i.service, environment: i.environment });
  const swarm = await findService(deps.docker, series);
  // Not running yet (never deployed), or Swarm still rolling it out or back.
  if (!swarm || /^(updating|rollback_started|paused|rollback_paused)$/.test((swarm as { UpdateStatus?: { State?: string } }).UpdateStatus?.State ?? '')) return undefined;
  const last = await deps.db.selectFrom('scale_events').select(['at']).where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).orderBy('id', 'desc').executeTakeFirst();
  const lastAtS = last ? Math.floor(Date.parse(last.at) / 1000) : null;
  const deployed = await deps.db.selectFrom('deployments').select((eb) => eb.fn.max('finished_at').as('at')).where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).executeTakeFirst();
  // A minute that began before the last change, or the last deploy's end (a rollout doubles the
  // tasks for a moment), measured other replicas than those running now.
  const since = Math.max(lastAtS ?? 0, deployed?.at ? Math.floor(Date.parse(deployed.at) / 1000) : 0);
  const use = p && p.at >= since ? { cpu: p.cpu / 1000, memory: p.memory, tasks: p.tasks } : null;
  const decision = autoscaleDecision({ min: i.autoscale_min ?? 1, max: i.autoscale_max!, cpu: i.autoscale_cpu, memory: i.autoscale_memory }, i.replicas, use, { cpu: i.cpu_limit, memoryBytes: i.memory_limit_mb ? i.memory_limit_mb * MIB : null }, lastAtS === null ? null : { atS: lastAtS }, nowS, { upS: UP_COOL_DOWN_S, downS: deps.config.autoscaleDownAfterS });
  if (!decision) return undefined;
  const at = new Date(nowMs).toISOString();
  const where = (tx: Deps['db'], replicas: number) => tx.updateTable('service_instances').where('service_id', '=', i.service_id).where('environment_id', '=', i.environment_id).where('replicas', '=', replicas);
  // The record and the history entry together, only if nobody changed the replicas since they
  // were read and no deployment was asked for meanwhile.
  const event = await deps.db.transaction().execute(async (tx) => {
    if (await inFlight(tx, i)) return undefined;
    const r = await where(tx, i.replicas).set({ replicas: decision.replicas }).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return (await tx.insertInto('scale_events').values({ service_id: i.service_id, environment_id: i.environment_id, at, from_replicas: i.replicas, to_replicas: decision.replicas, reason: decision.reason }).returning('id').executeTakeFirstOrThrow()).id;
  });
  if (event === undefined) return undefined;
  // Swarm refusing it: the record goes back to what runs (unless changed meanwhile), nothing is said.
  const applied = await scaleService(deps.docker, series, decision.replicas).catch((err) => {
    deps.log.warn('the autoscaler could not apply its change; it is undone', { service: series, error: String(err) });
    return false;
  });
  if (!applied) {
    await deps.db.transaction().execute(async (tx) => {
      await where(tx, decision.replicas).set({ replicas: i.replicas }).execute();
      await tx.deleteFrom('scale_events').where('id', '=', event).execute();
    });
    return undefined;
  }
  await audit(deps, { kind: 'system', name: 'autoscaler', via: 'job' }, 'service.scale', { kind: 'service', id: i.service_id, name: `${i.project}/${i.service} (${i.environment})`, projectId: i.projectId }, { before: { replicas: i.replicas }, after: { replicas: decision.replicas, reason: decision.reason } });
  const words = `${i.service} (${i.project}, ${i.environment}) scaled from ${i.replicas} to ${decision.replicas} replica${decision.replicas === 1 ? '' : 's'}`;
  await notify(deps, i.projectId, { state: 'notice', title: words, text: `The autoscaler: ${decision.reason}; it keeps between ${i.autoscale_min ?? 1} and ${i.autoscale_max}.`, link: linkTo(deps, `/projects/${i.project}/services/${i.service}${i.environment === 'production' ? '' : `?env=${i.environment}`}`), at, key: `autoscale:${series}` });
  return { series, from: i.replicas, to: decision.replicas, reason: decision.reason };
}
