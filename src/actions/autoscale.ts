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
import { type AutoscaledInstance, autoscaledInstances, deploymentInFlight, forgetOldScaleEvents, lastChanges, recordScale, undoScale } from '../store/scale-events.js';
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
  await forgetOldScaleEvents(deps.db, Math.floor(nowMs / 1000));
  if (!deps.daemon.ready) return [];
  const instances = await autoscaledInstances(deps.db);
  if (!instances.length) return [];
  const points = await newestMinutes(deps.db, Math.floor(nowMs / 1000) - FRESH_S);
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

async function scaleOne(deps: Deps, i: AutoscaledInstance, p: MetricPoint | undefined, nowMs: number): Promise<ScaleChange | undefined> {
  const nowS = Math.floor(nowMs / 1000);
  if (await deploymentInFlight(deps.db, i)) return undefined;
  const series = swarmServiceName({ project: i.project, service: i.service, environment: i.environment });
  const swarm = await findService(deps.docker, series);
  // Not running yet (never deployed), or Swarm still rolling it out or back.
  if (!swarm || /^(updating|rollback_started|paused|rollback_paused)$/.test((swarm as { UpdateStatus?: { State?: string } }).UpdateStatus?.State ?? '')) return undefined;
  const { scaledAtS, deployedAtS } = await lastChanges(deps.db, i);
  // A minute that began before the last change, or the last deploy's end (a rollout doubles the
  // tasks for a moment), measured other replicas than those running now.
  const since = Math.max(scaledAtS ?? 0, deployedAtS ?? 0);
  const use = p && p.at >= since ? { cpu: p.cpu / 1000, memory: p.memory, tasks: p.tasks } : null;
  const decision = autoscaleDecision({ min: i.autoscale_min ?? 1, max: i.autoscale_max!, cpu: i.autoscale_cpu, memory: i.autoscale_memory }, i.replicas, use, { cpu: i.cpu_limit, memoryBytes: i.memory_limit_mb ? i.memory_limit_mb * MIB : null }, scaledAtS === null ? null : { atS: scaledAtS }, nowS, { upS: UP_COOL_DOWN_S, downS: deps.config.autoscaleDownAfterS });
  if (!decision) return undefined;
  const at = new Date(nowMs).toISOString();
  const change = { from: i.replicas, to: decision.replicas, reason: decision.reason, at };
  const event = await recordScale(deps.db, i, change);
  if (event === undefined) return undefined;
  // Swarm refusing it: the record goes back to what runs (unless changed meanwhile), nothing is said.
  const applied = await scaleService(deps.docker, series, decision.replicas).catch((err) => {
    deps.log.warn('the autoscaler could not apply its change; it is undone', { service: series, error: String(err) });
    return false;
  });
  if (!applied) return void (await undoScale(deps.db, i, event, change));
  await audit(deps, { kind: 'system', name: 'autoscaler', via: 'job' }, 'service.scale', { kind: 'service', id: i.service_id, name: `${i.project}/${i.service} (${i.environment})`, projectId: i.projectId }, { before: { replicas: i.replicas }, after: { replicas: decision.replicas, reason: decision.reason } });
  const words = `${i.service} (${i.project}, ${i.environment}) scaled from ${i.replicas} to ${decision.replicas} replica${decision.replicas === 1 ? '' : 's'}`;
  await notify(deps, i.projectId, { state: 'notice', title: words, text: `The autoscaler: ${decision.reason}; it keeps between ${i.autoscale_min ?? 1} and ${i.autoscale_max}.`, link: linkTo(deps, `/projects/${i.project}/services/${i.service}${i.environment === 'production' ? '' : `?env=${i.environment}`}`), at, key: `autoscale:${series}` });
  return { series, from: i.replicas, to: decision.replicas, reason: decision.reason };
}
