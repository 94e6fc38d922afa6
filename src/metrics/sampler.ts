// Samples what this server's Spur tasks use, every few seconds, from the host's own files: the
// task listing comes from Docker (one call a sample, with the list of this installation's services
// once a minute), and each task's CPU, memory and network are read from its control group and its
// network namespace (cgroups/, net-dev.ts), never one Docker call per container. Samples are summed
// per Swarm service into a minute's point (window.ts), written at the minute's end, and rolled up
// into the coarser tiers as their windows close (tiers.ts), also those that closed while Spur was
// stopped or Docker away. Tasks on other servers are not read here.
import { readFileSync } from 'node:fs';
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { INSTALL_LABEL, MANAGED_LABEL } from '../docker/names.js';
import type { Log } from '../log.js';
import { type MetricPoint, forgetOldPoints, newestPointAt, rollUp, writePoints } from '../store/metrics.js';
import { type CgroupFiles, type CgroupKind, cgroupOf } from './cgroups/index.js';
import { parseNetDev } from './net-dev.js';
import { TIERS, closedWindows, slotOf, windowStart } from './tiers.js';
import { type Counters, type Sample, Window, rates } from './window.js';

const MINUTE = TIERS[0]!;
const HOUR = TIERS[2]!;
const LISTING_MAX_AGE_MS = 60_000;
/** How long a stop waits for a sample in flight (a Docker call that does not answer). */
const STOP_WAIT_MS = 5000;
/** Read errors of a task that stopped between the listing and the read: not worth a warning. */
const GONE = new Set(['ENOENT', 'ESRCH', 'ENODEV']);
/** Tasks read between two turns of the event loop: the reads are quick, but a thousand are not. */
const TASKS_AT_ONCE = 25;

export interface SamplerDeps {
  db: Db;
  docker: DockerClient;
  log: Log;
  installId: string;
  /** Seconds between samples; 0: none taken. */
  sampleS: number;
  isDaemonReady: () => boolean;
  /** Where cgroup hierarchies are mounted, and /proc (other paths in tests). */
  cgroupRoot?: string;
  procRoot?: string;
  /** The wall clock (which minute a sample belongs to) and, in tests, the clock rates are timed
   *  by too (performance.now() otherwise: a clock set back must not make a rate). */
  nowMs?: () => number;
}

interface Task {
  service: string;
  swarmId: string;
  containerId: string;
  pid: number;
}

export class MetricsSampler {
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  /** This node's id, and every Swarm service by id with its name when it is this installation's
   *  (null for another's): listed once a minute, and whenever a task of a service not listed runs. */
  private listing?: { at: number; nodeId: string; names: Map<string, string | null> };
  private readonly containers = new Map<string, { pid: number; kind: CgroupKind; files: CgroupFiles }>();
  private readonly last = new Map<string, Counters>();
  private windows = new Map<string, Window>();
  /** Each series' Swarm service id, as last listed. */
  private readonly swarmIds = new Map<string, string>();
  private windowStartS?: number;
  /** The coarser windows ending up to here are rolled up. */
  private rolledUntilS?: number;
  /** Warnings already given, by kind: each is said once, and again after it stopped and came back. */
  private readonly warned = new Set<string>();

  constructor(private readonly deps: SamplerDeps) {}

  start(): void {
    if (this.deps.sampleS <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.sampleOnce(), this.deps.sampleS * 1000).unref();
    void this.sampleOnce();
  }

  /** Stops sampling and writes the minute so far. A start within the same minute writes that
   *  minute again from its own samples: what came before the stop is lost. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.race([this.sampling, new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
    await this.flush().catch((err) => this.deps.log.warn('writing metrics failed', { error: String(err) }));
  }

  /** The point of the minute in progress, for charts that show the last minutes. */
  current(service: string): MetricPoint | undefined {
    const w = this.windows.get(service);
    return w && !w.empty ? w.point() : undefined;
  }

  /** One sample; a sample still running when the next is due is not doubled. */
  sampleOnce(): Promise<void> {
    this.sampling ??= this.sample()
      .then((sampled) => {
        if (sampled) this.recovered('sample');
      })
      .catch((err) => this.warnOnce('sample', 'sampling metrics failed (said once until it works again)', { error: String(err) }))
      .finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private now = () => (this.deps.nowMs?.() ?? Date.now()) / 1000;
  private monotonic = () => (this.deps.nowMs?.() ?? performance.now()) / 1000;

  /** One sample; false when Docker is away. */
  private async sample(): Promise<boolean> {
    const start = windowStart(MINUTE, this.now());
    if (this.windowStartS !== undefined && start < this.windowStartS) this.clockWentBack(start);
    // The minute is written at its end, with Docker away too.
    if (this.windowStartS !== undefined && start > this.windowStartS) await this.flush();
    this.windowStartS ??= start;
    if (!this.deps.isDaemonReady()) return false;
    const tasks = await this.tasks();
    // A listing that took past the minute's end: the minute is written first.
    if (windowStart(MINUTE, this.now()) > this.windowStartS) await this.flush();
    const samples = new Map<string, Sample & { measured: boolean }>();
    const seen = new Set<string>();
    let unreadable = false;
    for (const [i, task] of tasks.entries()) {
      if (i > 0 && i % TASKS_AT_ONCE === 0) await new Promise((r) => setImmediate(r));
      seen.add(task.containerId);
      this.swarmIds.set(task.service, task.swarmId);
      const counters = this.read(task);
      if (counters === 'unreadable') unreadable = true;
      if (typeof counters !== 'object') continue;
      const used = rates(this.last.get(task.containerId), counters);
      this.last.set(task.containerId, counters);
      const s = samples.get(task.service) ?? { cores: 0, memory: 0, memoryLimit: 0, rx: 0, tx: 0, tasks: 0, measured: false };
      s.memory += counters.memory;
      s.memoryLimit = s.memoryLimit === null || counters.memoryLimit === null ? null : s.memoryLimit + counters.memoryLimit;
      s.tasks++;
      if (used) Object.assign(s, { cores: s.cores + used.cores, rx: s.rx + used.rx, tx: s.tx + used.tx, measured: true });
      samples.set(task.service, s);
    }
    if (!unreadable) this.recovered('read');
    for (const id of [...this.last.keys()]) if (!seen.has(id)) (this.last.delete(id), this.containers.delete(id));
    for (const [service, { measured, ...s }] of samples) {
      // A task's first reading has no rate yet: the series' first sample waits for its second.
      if (!measured) continue;
      const w = this.windows.get(service) ?? new Window(this.windowStartS);
      w.add(s);
      this.windows.set(service, w);
    }
    return true;
  }

  /** The clock was set back past the minute being filled: that minute is dropped (it is in the
   *  future now), and the windows from here on are rolled up again. */
  private clockWentBack(start: number): void {
    this.windows = new Map();
    this.swarmIds.clear();
    this.windowStartS = start;
    this.rolledUntilS = this.rolledUntilS === undefined ? undefined : Math.min(this.rolledUntilS, start);
  }

  /** Writes the minute's points, and rolls up the coarser windows that have closed since the last
   *  roll-up (those of a stop or an outage too: their minutes are in the store). */
  private async flush(): Promise<void> {
    const startS = this.windowStartS;
    if (startS === undefined) return;
    const points = new Map([...this.windows].filter(([, w]) => !w.empty).map(([name, w]) => [name, { swarmId: this.swarmIds.get(name)!, point: w.point() }]));
    this.windows = new Map();
    this.swarmIds.clear();
    const nowStart = windowStart(MINUTE, this.now());
    this.windowStartS = nowStart;
    // After a start: from the hour of the newest minute written before (a stop or a crash may have
    // come before its windows were rolled up; rolling one up again replaces it), never the future.
    if (this.rolledUntilS === undefined) {
      const newest = (await newestPointAt(this.deps.db, MINUTE.tier)) ?? startS;
      this.rolledUntilS = Math.min(windowStart(HOUR, newest - MINUTE.stepS), startS);
    }
    await writePoints(this.deps.db, { tier: MINUTE.tier, slot: slotOf(MINUTE, startS) }, points);
    // Only windows whose every minute is over: a stop in mid-minute leaves that minute's to the next start.
    const until = Math.min(startS + MINUTE.stepS, nowStart);
    if (until <= this.rolledUntilS) return;
    for (const { tier, startS: from } of closedWindows(this.rolledUntilS, until)) await rollUp(this.deps.db, { tier: tier.tier, slot: slotOf(tier, from), startS: from, stepS: tier.stepS });
    if (Math.floor(until / HOUR.stepS) > Math.floor(this.rolledUntilS / HOUR.stepS)) await forgetOldPoints(this.deps.db, TIERS, until);
    this.rolledUntilS = until;
  }

  /** This server's running tasks of this installation's services. */
  private async tasks(): Promise<Task[]> {
    if (!this.listing || this.monotonic() * 1000 - this.listing.at > LISTING_MAX_AGE_MS) await this.listServices();
    type Listed = { ServiceID?: string; Status?: { State?: string; ContainerStatus?: { ContainerID?: string; PID?: number } } };
    const tasks = (await this.deps.docker.listTasks({ filters: { node: [this.listing!.nodeId], 'desired-state': ['running'] } })) as Listed[];
    // A service made since the listing (a first deploy): listed again at once, not a minute later.
    if (tasks.some((t) => t.ServiceID && !this.listing!.names.has(t.ServiceID))) await this.listServices();
    const names = this.listing!.names;
    return tasks.flatMap((t) => {
      const service = names.get(t.ServiceID ?? '');
      const c = t.Status?.ContainerStatus;
      return service && t.Status?.State === 'running' && c?.ContainerID && c.PID ? [{ service, swarmId: t.ServiceID!, containerId: c.ContainerID, pid: c.PID }] : [];
    });
  }

  private async listServices(): Promise<void> {
    const { docker, installId } = this.deps;
    // The node's id is read again too: a Swarm made anew gives this server another.
    const nodeId = (await docker.info()).Swarm?.NodeID as string;
    const listed = (await docker.listServices()) as { ID: string; Spec?: { Name?: string; Labels?: Record<string, string> } }[];
    const ours = (s: (typeof listed)[number]) => s.Spec?.Labels?.[MANAGED_LABEL] === 'true' && s.Spec.Labels[INSTALL_LABEL] === installId;
    this.listing = { at: this.monotonic() * 1000, nodeId, names: new Map(listed.map((s) => [s.ID, ours(s) ? (s.Spec?.Name ?? null) : null])) };
  }

  /** A task's counters now; 'gone' when it stopped meanwhile, 'unreadable' when its files cannot be
   *  read. The files are the kernel's (procfs, cgroupfs), made on reading without touching a disk:
   *  read at once, they cost a tenth of what the thread pool's round trips did (bench:metrics). */
  private read(task: Task): Counters | 'gone' | 'unreadable' {
    const proc = this.deps.procRoot ?? '/proc';
    try {
      let known = this.containers.get(task.containerId);
      if (!known || known.pid !== task.pid) {
        const found = cgroupOf(readFileSync(`${proc}/${task.pid}/cgroup`, 'utf8'), this.deps.cgroupRoot);
        if (!found) throw Object.assign(new Error(`no cgroup v1 or v2 counters for process ${task.pid}`), { code: 'ECGROUP' });
        known = { pid: task.pid, ...found };
        this.containers.set(task.containerId, known);
      }
      const { kind, files } = known;
      const [cpu, usage, stat, limit, net] = [files.cpu, files.memory, files.memoryStat, files.memoryLimit, `${proc}/${task.pid}/net/dev`].map((f) => readFileSync(f, 'utf8'));
      // The time of the reading, not of the listing: a slow Docker call must not stretch a rate.
      const counters = { atS: this.monotonic(), cpuS: kind.cpuSeconds(cpu!), memory: kind.memoryBytes(usage!, stat!), memoryLimit: kind.memoryLimit(limit!), ...parseNetDev(net!) };
      if (![counters.cpuS, counters.memory, counters.rx, counters.tx].every(Number.isFinite)) throw Object.assign(new Error(`unexpected counters for process ${task.pid}`), { code: 'EFORMAT' });
      return counters;
    } catch (err) {
      this.containers.delete(task.containerId);
      if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) return 'gone';
      this.warnOnce('read', "cannot read a task's counters (metrics are read from the host's /proc and /sys/fs/cgroup; said once until every task's can be read again)", { container: task.containerId.slice(0, 12), error: String(err) });
      return 'unreadable';
    }
  }

  private warnOnce(kind: string, message: string, fields: Record<string, unknown>): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.deps.log.warn(message, fields);
  }

  private recovered(kind: string): void {
    if (this.warned.delete(kind)) this.deps.log.info(`metrics: ${kind === 'sample' ? 'sampling' : "reading tasks' counters"} works again`);
  }
}
