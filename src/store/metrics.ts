// Metrics points (migration 037): written a minute at a time, rolled up into the coarser tiers as
// their windows close, read for a range.
import { sql } from 'kysely';
import type { Db } from '../db/open.js';
import type { MetricPointTable, TaskExitTable } from '../db/schema.js';

/** A point as the sampler makes it and the API shows it (the units of migrations 037–040); a
 *  service's has no disk or load, a point without exits no restarts, one Traefik did not count no
 *  HTTP figures. */
type Optional = 'disk' | 'disk_size' | 'load' | 'restarts' | (typeof HTTP)[number];
const HTTP = ['requests', 'errors_4xx', 'errors_5xx', 'p50', 'p95', 'p99'] as const;
export type MetricPoint = Omit<MetricPointTable, 'series_id' | 'tier' | 'slot' | Optional> & Partial<Pick<MetricPointTable, Optional>>;

const VALUES = ['cpu', 'cpu_max', 'memory', 'memory_max', 'memory_limit', 'rx', 'tx', 'tasks', 'disk', 'disk_size', 'load', 'restarts', ...HTTP] as const;

/** A series' point as the sampler writes it: the Swarm service's name and id, and the point. */
export interface SeriesPoint {
  swarmId: string;
  point: MetricPoint;
}

/** The ids of the named series, made where missing. A series whose Swarm service was made again
 *  (another id under the same name: a service deleted, then created) starts over: the points of
 *  the one before are not the new one's. */
async function seriesIds(db: Db, series: Map<string, string>): Promise<Map<string, number>> {
  const names = [...series.keys()];
  const known = await db.selectFrom('metric_series').select(['id', 'name', 'swarm_id']).where('name', 'in', names).execute();
  const replaced = known.filter((r) => r.swarm_id !== series.get(r.name)).map((r) => r.id);
  if (replaced.length) await db.deleteFrom('metric_series').where('id', 'in', replaced).execute();
  const missing = names.filter((n) => !known.some((r) => r.name === n && !replaced.includes(r.id)));
  if (missing.length) await db.insertInto('metric_series').values(missing.map((name) => ({ name, swarm_id: series.get(name)! }))).execute();
  const rows = await db.selectFrom('metric_series').select(['id', 'name']).where('name', 'in', names).execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** Writes one point per series into a tier's ring, in one transaction; each replaces what its slot held. */
export async function writePoints(db: Db, tier: { tier: number; slot: number }, points: Map<string, SeriesPoint>): Promise<void> {
  if (points.size === 0) return;
  await db.transaction().execute(async (tx) => {
    const ids = await seriesIds(tx, new Map([...points].map(([name, p]) => [name, p.swarmId])));
    const rows = [...points].map(([name, { point }]) => ({ series_id: ids.get(name)!, tier: tier.tier, slot: tier.slot, disk: null, disk_size: null, load: null, restarts: null, ...Object.fromEntries(HTTP.map((c) => [c, null])), ...point }));
    // SQLite takes at most 32,766 bound values a statement: 21 a row.
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insertInto('metric_points')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['series_id', 'tier', 'slot']).doUpdateSet((eb) => Object.fromEntries((['at', ...VALUES] as const).map((c) => [c, eb.ref(`excluded.${c}`)]))))
        .execute();
    }
  });
}

/** The window [startS, startS + stepS) of a tier, summarised from the tier below, for every series
 *  that has points there: means of means, the highest of the highs, the limit at its end (that of
 *  its newest point, null when that had none); a server's disk and load as means, its disk's size
 *  the largest seen; the exits and requests summed, the latency quantiles weighted by requests. */
export async function rollUp(db: Db, into: { tier: number; slot: number; startS: number; stepS: number }): Promise<void> {
  const [below, from, to] = [into.tier - 1, into.startS, into.startS + into.stepS];
  const weighted = (q: string) => sql.raw(`round(sum(p.${q} * p.requests) * 1.0 / nullif(sum(case when p.${q} is not null then p.requests end), 0))`);
  await sql`insert or replace into metric_points (series_id, tier, slot, at, cpu, cpu_max, memory, memory_max, memory_limit, rx, tx, tasks, disk, disk_size, load, restarts, requests, errors_4xx, errors_5xx, p50, p95, p99)
    select p.series_id, ${into.tier}, ${into.slot}, ${from}, round(avg(p.cpu)), max(p.cpu_max), round(avg(p.memory)), max(p.memory_max),
      (select n.memory_limit from metric_points n where n.series_id = p.series_id and n.tier = ${below} and n.at >= ${from} and n.at < ${to} order by n.at desc limit 1),
      round(avg(p.rx)), round(avg(p.tx)), max(p.tasks), round(avg(p.disk)), max(p.disk_size), round(avg(p.load)), sum(p.restarts),
      sum(p.requests), sum(p.errors_4xx), sum(p.errors_5xx), ${weighted('p50')}, ${weighted('p95')}, ${weighted('p99')}
    from metric_points p where p.tier = ${below} and p.at >= ${from} and p.at < ${to} group by p.series_id`.execute(db);
}

/** The start of the newest point of a tier (epoch seconds), of any series; undefined when none. */
export async function newestPointAt(db: Db, tier: number): Promise<number | undefined> {
  const row = await db.selectFrom('metric_points').select((eb) => eb.fn.max('at').as('at')).where('tier', '=', tier).executeTakeFirst();
  return row?.at ?? undefined;
}

/** A series' points of one tier from `fromS` to `toS`, oldest first (slots a full turn old are not read). */
export async function readPoints(db: Db, name: string, tier: number, fromS: number, toS = Number.MAX_SAFE_INTEGER): Promise<MetricPoint[]> {
  const rows = await db
    .selectFrom('metric_points')
    .innerJoin('metric_series', 'metric_series.id', 'metric_points.series_id')
    .select(['at', ...VALUES])
    .where('metric_series.name', '=', name)
    .where('tier', '=', tier)
    .where('at', '>=', fromS)
    .where('at', '<=', toS)
    .orderBy('at')
    .execute();
  // A service's point has no server-only values at all, rather than nulls; one without exits no
  // restarts; one Traefik did not count no HTTP figures.
  return rows.map(({ disk, disk_size, load, restarts, requests, errors_4xx, errors_5xx, p50, p95, p99, ...p }) => ({
    ...p,
    ...(disk === null && load === null ? {} : { disk, disk_size, load }),
    ...(restarts === null ? {} : { restarts }),
    ...(requests === null ? {} : { requests, errors_4xx, errors_5xx, p50, p95, p99 }),
  }));
}

/** Forgets points older than their tier keeps, those ahead of now (written while the clock was
 *  ahead), and series left with none (a service removed). */
export async function forgetOldPoints(db: Db, tiers: readonly { tier: number; stepS: number; slots: number }[], nowS: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const t of tiers) await tx.deleteFrom('metric_points').where('tier', '=', t.tier).where((eb) => eb.or([eb('at', '<', nowS - t.stepS * t.slots), eb('at', '>', nowS)])).execute();
    await tx.deleteFrom('metric_series').where(({ not, exists, selectFrom }) => not(exists(selectFrom('metric_points').select('series_id').whereRef('metric_points.series_id', '=', 'metric_series.id')))).execute();
    const longest = Math.max(...tiers.map((t) => t.stepS * t.slots));
    await sql`delete from task_exits where at < ${nowS - longest}
      or id in (select id from (select id, row_number() over (partition by series order by at desc, id desc) as n from task_exits) where n > ${EXITS_KEPT})`.execute(tx);
  });
}

/** Exits kept a series, besides the 90 days. */
export const EXITS_KEPT = 200;

export type TaskExit = Omit<TaskExitTable, 'id'>;

/** Records exits, each once (a task seen ending again is not a second exit). */
export async function recordExits(db: Db, exits: TaskExit[]): Promise<void> {
  if (exits.length) await db.insertInto('task_exits').values(exits).onConflict((oc) => oc.column('task_id').doNothing()).execute();
}

/** A series' exits from `fromS`, newest first, at most EXITS_KEPT. */
export function exitsSince(db: Db, series: string, fromS: number): Promise<TaskExit[]> {
  return db.selectFrom('task_exits').select(['series', 'task_id', 'at', 'slot', 'state', 'exit_code', 'reason']).where('series', '=', series).where('at', '>=', fromS).orderBy('at', 'desc').orderBy('id', 'desc').limit(EXITS_KEPT).execute();
}

/** Each series' newest measured minute since `sinceS`, by series name. A minute that only counted
 *  exits or Traefik's requests (no task was read in it: its memory is 0, its limit unknown) is
 *  passed over; a running task, and a server, always use some memory. */
export async function newestMinutes(db: Db, sinceS: number): Promise<Map<string, MetricPoint>> {
  const rows = await db
    .selectFrom('metric_points as p')
    .innerJoin('metric_series as s', 's.id', 'p.series_id')
    .select(['s.name', 'p.at', ...VALUES.map((v) => `p.${v}` as const)])
    .where('p.tier', '=', 0)
    .where('p.at', '>=', sinceS)
    .where('p.memory', '>', 0)
    .where(({ eb, selectFrom }) => eb('p.at', '=', selectFrom('metric_points as q').select((q) => q.fn.max('q.at').as('at')).whereRef('q.series_id', '=', 'p.series_id').where('q.tier', '=', 0).where('q.memory', '>', 0)))
    .execute();
  return new Map(rows.map(({ name, ...p }) => [name, p]));
}
