// Samples what Spur's tasks and servers use, every few seconds, from the kernel's own files: the
// task listing comes from Docker (one call a sample, with the list of this installation's services
// once a minute), and each task's CPU, memory and network are read from its control group and its
// network namespace (cgroups/, net-dev.ts), never one Docker call per container; each server's own
// from /proc (host.ts). Tasks and servers elsewhere are read over SSH, every few samples, in one
// round trip a server (remote-files.ts), and their last reading counts in each sample until the
// next. Samples are summed per Swarm service, and per server, into a minute's point (window.ts),
// written at the minute's end, and rolled up into the coarser tiers as their windows close
// (tiers.ts), also those that closed while Spur was stopped or Docker away. A task running at one
// sample and gone at the next is looked up once: if it ended on its own, its exit is recorded
// with the reason (exits.ts) and counted in its series' minute. Every sixth sample's time Traefik's
// own counters are read too, for each service's requests, errors and latency (traefik.ts).
import { readFileSync } from 'node:fs';
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { INSTALL_LABEL, MANAGED_LABEL } from '../docker/names.js';
import type { Log } from '../log.js';
import { type MetricPoint, forgetOldPoints, newestPointAt, recordExits, rollUp, writePoints } from '../store/metrics.js';
import { type ListedTask, exitOf } from './exits.js';
import { type HttpCounters, httpUse, parseTraefikMetrics } from './traefik.js';
import { type CgroupFiles, type CgroupKind, cgroupOf } from './cgroups/index.js';
import { HOST_FILES, type HostCounters, type HostFiles, hostCounters } from './host.js';
import { isKernelPath } from './remote-files.js';
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
const NO_REQUESTS: HttpCounters = { requests: 0, byClass: {}, buckets: new Map() };
/** What each warning said failed, when it works again. */
const WORKS_AGAIN = { sample: 'sampling', read: "reading tasks' counters", host: "reading this server's counters", remote: "reading the other servers' metrics", traefik: "reading Traefik's metrics" } as const;
/** Samples between two readings of the other servers (a minute at the default 10 s). */
const REMOTE_EVERY = 6;
/** A server's reading counts for this many of its intervals, then it is stale (the server went away). */
const REMOTE_FRESH_FOR = 2.5;

/** The series of a server: its Swarm node's id, which no Swarm service's name can be. */
export const serverSeries = (nodeId: string) => `node:${nodeId}`;

type DiskSpace = { totalBytes: number; freeBytes: number };

/** The other servers of the Swarm, read over SSH (src/nodes/fleet.ts). */
export interface RemoteServers {
  readyNodes(): Promise<{ name: string; nodeId: string }[]>;
  readFiles(name: string, paths: readonly string[]): Promise<{ disk: DiskSpace | null; files: Map<string, string | null> } | null>;
}

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
  /** This server's disk where Docker keeps its data. */
  disk?: () => Promise<DiskSpace | null>;
  /** The enrolled servers; none without. */
  servers?: RemoteServers;
  /** Traefik's metrics text (null when it cannot be read: Traefik not running); none without. */
  traefik?: () => Promise<string | null>;
  /** The wall clock (which minute a sample belongs to) and, in tests, the clock rates are timed
   *  by too (performance.now() otherwise: a clock set back must not make a rate). */
  nowMs?: () => number;
}

interface Task {
  taskId: string;
  service: string;
  swarmId: string;
  nodeId: string;
  containerId: string;
  pid: number;
}

/** A series' part of a sample: a task's, or a server's own. */
interface Part {
  series: string;
  swarmId: string;
  sample: Sample;
}

/** What a server read over SSH used, counted in each sample until its next reading. */
interface RemoteReading {
  atS: number;
  parts: Part[];
}

type Known = { pid: number; kind: CgroupKind; files: CgroupFiles };

export class MetricsSampler {
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  /** This node's id, and every Swarm service by id with its name when it is this installation's
   *  (null for another's): listed once a minute, and whenever a task of a service not listed runs. */
  private listing?: { at: number; nodeId: string; names: Map<string, string | null> };
  private readonly containers = new Map<string, Known>();
  private readonly last = new Map<string, Counters>();
  private lastHost?: HostCounters;
  /** Of the other servers, by node id: their containers' files, their last counters (tasks' by
   *  container, the server's own under its node id), and what they used at the last reading. */
  private readonly remoteContainers = new Map<string, Known>();
  private readonly remoteLast = new Map<string, Counters>();
  private readonly remote = new Map<string, RemoteReading>();
  private remoteReading?: Promise<void>;
  private samples = 0;
  private lastHttp = new Map<string, HttpCounters>();
  /** Traefik was read since the start: a service it did not count then had no requests. */
  private httpRead = false;
  /** When the last reading of Traefik started, and when the last one that answered did. */
  private traefikReadAtS?: number;
  private httpCountedAtS?: number;
  private traefikReading?: Promise<void>;
  /** The tasks running at the last sample, by task id: one gone since either was stopped or exited. */
  private running = new Map<string, { series: string; swarmId: string }>();
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
    await Promise.race([Promise.all([this.sampling, this.remoteReading, this.traefikReading]), new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
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
    const nodeId = this.listing!.nodeId;
    await this.noteExits(tasks);
    const parts: Part[] = [];
    const seen = new Set<string>();
    let unreadable = false;
    for (const [i, task] of tasks.filter((t) => t.nodeId === nodeId).entries()) {
      if (i > 0 && i % TASKS_AT_ONCE === 0) await new Promise((r) => setImmediate(r));
      seen.add(task.containerId);
      const counters = this.read(task);
      if (counters === 'unreadable') unreadable = true;
      if (typeof counters !== 'object') continue;
      parts.push(taskPart(task, counters, this.last.get(task.containerId)));
      this.last.set(task.containerId, counters);
    }
    if (!unreadable) this.recovered('read');
    for (const id of [...this.last.keys()]) if (!seen.has(id)) (this.last.delete(id), this.containers.delete(id));
    const server = await this.serverPart(nodeId, tasks.filter((t) => t.nodeId === nodeId).length);
    if (server) parts.push(server);
    if (this.samples++ % REMOTE_EVERY === 0) this.startRemoteReading(tasks.filter((t) => t.nodeId !== nodeId));
    this.startTraefikReading();
    const freshAfter = this.monotonic() - REMOTE_FRESH_FOR * REMOTE_EVERY * this.deps.sampleS;
    for (const reading of this.remote.values()) if (reading.atS >= freshAfter) parts.push(...reading.parts);
    for (const [series, { swarmId, sample }] of sumBySeries(parts)) {
      this.swarmIds.set(series, swarmId);
      const w = this.windows.get(series) ?? new Window(this.windowStartS);
      w.add(sample);
      this.windows.set(series, w);
    }
    return true;
  }

  /** Tasks running at the last sample and not now: those that ended on their own are recorded
   *  (one Docker call for all of them) and counted in their series' minute. */
  private async noteExits(tasks: Task[]): Promise<void> {
    const before = this.running;
    const now = new Map(tasks.map((t) => [t.taskId, { series: t.service, swarmId: t.swarmId }]));
    const gone = [...before].filter(([id]) => !now.has(id));
    if (gone.length === 0) return void (this.running = now);
    // Replaced once the lookup answered: a failed one is tried again at the next sample.
    const listed = (await this.deps.docker.listTasks({ filters: { id: gone.map(([id]) => id) } })) as ListedTask[];
    this.running = now;
    const exits = gone.flatMap(([id, { series }]) => {
      const task = listed.find((t) => t.ID === id);
      const exit = task && exitOf(task, series, Math.floor(this.now()));
      return exit ? [exit] : [];
    });
    await recordExits(this.deps.db, exits);
    for (const exit of exits) {
      const w = this.windows.get(exit.series) ?? new Window(this.windowStartS!);
      w.addRestart();
      this.windows.set(exit.series, w);
      this.swarmIds.set(exit.series, before.get(exit.task_id)!.swarmId);
    }
  }

  /** This server's own part of the sample; undefined until it has a rate, or when /proc cannot be read. */
  private async serverPart(nodeId: string, tasks: number): Promise<Part | undefined> {
    const proc = this.deps.procRoot ?? '/proc';
    let counters: HostCounters;
    try {
      counters = hostCounters(Object.fromEntries(HOST_FILES.map((f) => [f, readFileSync(`${proc}/${f}`, 'utf8')])) as HostFiles, this.monotonic());
      if (![counters.cpuS, counters.memory, counters.load].every(Number.isFinite)) throw new Error(`unexpected counters in ${proc}/stat, meminfo or loadavg`);
      this.recovered('host');
    } catch (err) {
      this.warnOnce('host', "cannot read this server's counters from /proc (said once until they can be read again)", { error: String(err) });
      return undefined;
    }
    const used = rates(this.lastHost, counters);
    this.lastHost = counters;
    const disk = (await this.deps.disk?.().catch(() => null)) ?? null;
    return used ? serverPartOf(nodeId, counters, used, tasks, disk) : undefined;
  }

  /** Reads Traefik's counts in the background, one reading at a time, and adds each of this
   *  installation's services' requests since the last to its minute. */
  private startTraefikReading(): void {
    const read = this.deps.traefik;
    const startedS = this.monotonic();
    // Every sixth sample's time (a minute at the default); each reading's counts are scaled to a
    // minute by the time it covers, so an interval that does not divide a minute counts right too.
    if (!read || this.traefikReading || startedS - (this.traefikReadAtS ?? -Infinity) < (REMOTE_EVERY - 0.5) * this.deps.sampleS) return;
    this.traefikReadAtS = startedS;
    this.traefikReading = (async () => {
      const text = await read();
      if (text === null || this.windowStartS === undefined) return;
      const coveredS = this.httpCountedAtS === undefined ? 0 : startedS - this.httpCountedAtS;
      this.httpCountedAtS = startedS;
      const ours = new Map([...(this.listing?.names ?? [])].flatMap(([id, name]) => (name ? [[name, id] as const] : [])));
      const counted = parseTraefikMetrics(text);
      for (const [series, now] of counted) {
        const swarmId = ours.get(series);
        if (!swarmId) continue;
        // A service Traefik did not count at the last reading had no requests before: its counters start at zero.
        const use = httpUse(this.lastHttp.get(series) ?? (this.httpRead ? NO_REQUESTS : undefined), now);
        this.lastHttp.set(series, now);
        if (!use || coveredS <= 0) continue;
        const w = this.windows.get(series) ?? new Window(this.windowStartS);
        w.addHttp(use, coveredS);
        this.windows.set(series, w);
        this.swarmIds.set(series, swarmId);
      }
      for (const series of [...this.lastHttp.keys()]) if (!counted.has(series)) this.lastHttp.delete(series);
      this.httpRead = true;
      this.recovered('traefik');
    })()
      .catch((err) => this.warnOnce('traefik', "reading Traefik's metrics failed (said once until it works again)", { error: String(err) }))
      .finally(() => (this.traefikReading = undefined));
  }

  /** Reads the other servers in the background (SSH may be slow): one reading at a time. */
  private startRemoteReading(tasks: Task[]): void {
    const servers = this.deps.servers;
    if (!servers || this.remoteReading) return;
    this.remoteReading = this.readRemote(servers, tasks)
      .then(() => this.recovered('remote'))
      .catch((err) => this.warnOnce('remote', "reading the other servers' metrics failed (said once until it works again)", { error: String(err) }))
      .finally(() => (this.remoteReading = undefined));
  }

  /** Each ready server's counters and its tasks', in one round trip (two when it runs tasks not
   *  read before: their control groups are found first). */
  private async readRemote(servers: RemoteServers, tasks: Task[]): Promise<void> {
    const ready = await servers.readyNodes();
    for (const id of [...this.remote.keys()]) if (!ready.some((r) => r.nodeId === id)) (this.remote.delete(id), this.remoteLast.delete(id));
    const listed = new Set(tasks.map((t) => t.containerId));
    for (const id of [...this.remoteContainers.keys()]) if (!listed.has(id)) (this.remoteContainers.delete(id), this.remoteLast.delete(id));
    await Promise.all(ready.map(async (server) => {
      const on = tasks.filter((t) => t.nodeId === server.nodeId);
      const unknown = on.filter((t) => this.remoteContainers.get(t.containerId)?.pid !== t.pid);
      if (unknown.length) {
        const found = await servers.readFiles(server.name, unknown.map((t) => `/proc/${t.pid}/cgroup`));
        for (const t of unknown) {
          const text = found?.files.get(`/proc/${t.pid}/cgroup`);
          const cgroup = text ? cgroupOf(text) : null;
          // Paths made from what the server answered: one the reader would not send leaves that task out.
          if (cgroup && Object.values(cgroup.files).every(isKernelPath)) this.remoteContainers.set(t.containerId, { pid: t.pid, ...cgroup });
        }
      }
      const known = on.flatMap((task) => {
        const k = this.remoteContainers.get(task.containerId);
        return k ? [{ task, k, paths: [k.files.cpu, k.files.memory, k.files.memoryStat, k.files.memoryLimit, `/proc/${task.pid}/net/dev`] }] : [];
      });
      const reply = await servers.readFiles(server.name, [...HOST_FILES.map((f) => `/proc/${f}`), ...known.flatMap((t) => t.paths)]);
      if (!reply) return void this.remote.delete(server.nodeId);
      const atS = this.monotonic();
      const parts: Part[] = [];
      const host = HOST_FILES.map((f) => reply.files.get(`/proc/${f}`));
      if (host.every((t) => typeof t === 'string')) {
        const counters = hostCounters(Object.fromEntries(HOST_FILES.map((f, i) => [f, host[i]])) as HostFiles, atS);
        const used = rates(this.remoteLast.get(server.nodeId), counters);
        this.remoteLast.set(server.nodeId, counters);
        if (used && [counters.cpuS, counters.memory, counters.memoryLimit, counters.load].every(Number.isFinite)) parts.push(serverPartOf(server.nodeId, counters, used, on.length, reply.disk));
      }
      for (const { task, k, paths } of known) {
        const [cpu, usage, stat, limit, net] = paths.map((p) => reply.files.get(p));
        if (!cpu || !usage || !stat || !limit || !net) continue;
        const counters = { atS, cpuS: k.kind.cpuSeconds(cpu), memory: k.kind.memoryBytes(usage, stat), memoryLimit: k.kind.memoryLimit(limit), ...parseNetDev(net) };
        if (![counters.cpuS, counters.memory, counters.rx, counters.tx].every(Number.isFinite)) continue;
        parts.push(taskPart(task, counters, this.remoteLast.get(task.containerId)));
        this.remoteLast.set(task.containerId, counters);
      }
      this.remote.set(server.nodeId, { atS, parts });
    }));
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

  /** The running tasks of this installation's services, on every server. */
  private async tasks(): Promise<Task[]> {
    if (!this.listing || this.monotonic() * 1000 - this.listing.at > LISTING_MAX_AGE_MS) await this.listServices();
    type Listed = { ID?: string; ServiceID?: string; NodeID?: string; Status?: { State?: string; ContainerStatus?: { ContainerID?: string; PID?: number } } };
    const tasks = (await this.deps.docker.listTasks({ filters: { 'desired-state': ['running'] } })) as Listed[];
    // A service made since the listing (a first deploy): listed again at once, not a minute later.
    if (tasks.some((t) => t.ServiceID && !this.listing!.names.has(t.ServiceID))) await this.listServices();
    const names = this.listing!.names;
    return tasks.flatMap((t) => {
      const service = names.get(t.ServiceID ?? '');
      const c = t.Status?.ContainerStatus;
      return service && t.ID && t.NodeID && t.Status?.State === 'running' && c?.ContainerID && c.PID ? [{ taskId: t.ID, service, swarmId: t.ServiceID!, nodeId: t.NodeID, containerId: c.ContainerID, pid: c.PID }] : [];
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

  private recovered(kind: keyof typeof WORKS_AGAIN): void {
    if (this.warned.delete(kind)) this.deps.log.info(`metrics: ${WORKS_AGAIN[kind]} works again`);
  }
}

/** A task's part: its memory, and its rates since the reading before (none at its first). */
function taskPart(task: Task, now: Counters, before: Counters | undefined): Part & { measured: boolean } {
  const used = rates(before, now);
  return { series: task.service, swarmId: task.swarmId, measured: !!used, sample: { cores: used?.cores ?? 0, memory: now.memory, memoryLimit: now.memoryLimit, rx: used?.rx ?? 0, tx: used?.tx ?? 0, tasks: 1 } };
}

function serverPartOf(nodeId: string, counters: HostCounters, used: { cores: number; rx: number; tx: number }, tasks: number, disk: DiskSpace | null): Part {
  return {
    series: serverSeries(nodeId),
    swarmId: nodeId,
    sample: { ...used, memory: counters.memory, memoryLimit: counters.memoryLimit, tasks, load: counters.load, disk: disk && { used: disk.totalBytes - disk.freeBytes, size: disk.totalBytes } },
  };
}

/** The parts of a sample summed by series. A series whose every task is at its first reading has
 *  no rate yet: its first sample waits for its second. */
function sumBySeries(parts: (Part & { measured?: boolean })[]): Map<string, { swarmId: string; sample: Sample }> {
  const out = new Map<string, { swarmId: string; sample: Sample; measured: boolean }>();
  for (const p of parts) {
    const sum = out.get(p.series);
    if (!sum) {
      out.set(p.series, { swarmId: p.swarmId, sample: { ...p.sample }, measured: p.measured ?? true });
      continue;
    }
    const s = sum.sample;
    Object.assign(s, { cores: s.cores + p.sample.cores, memory: s.memory + p.sample.memory, rx: s.rx + p.sample.rx, tx: s.tx + p.sample.tx, tasks: s.tasks + p.sample.tasks });
    s.memoryLimit = s.memoryLimit === null || p.sample.memoryLimit === null ? null : s.memoryLimit + p.sample.memoryLimit;
    sum.measured ||= p.measured ?? true;
  }
  return new Map([...out].filter(([, v]) => v.measured).map(([k, { swarmId, sample }]) => [k, { swarmId, sample }]));
}
