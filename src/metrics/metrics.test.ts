import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { EXITS_KEPT, exitsSince, forgetOldPoints, recordExits, readPoints, rollUp, writePoints, type MetricPoint } from '../store/metrics.js';
import { cgroupOf } from './cgroups/index.js';
import { parseNetDev } from './net-dev.js';
import { busySeconds, defaultInterface, hostCounters as readHost, memoryOf } from './host.js';
import { filesRequest, parseFilesReply } from './remote-files.js';
import { httpUse, parseTraefikMetrics, quantile } from './traefik.js';
import { type Served, traefikMetricsText } from '../../test/fixtures/traefik-metrics.js';
import { MetricsSampler, type RemoteServers, type SamplerDeps, serverSeries } from './sampler.js';
import { TIERS, closedWindows, slotOf, spanS, tierFor, windowStart } from './tiers.js';
import { Window, rates } from './window.js';

const V1 = `12:memory:/docker/abc
11:cpu,cpuacct:/docker/abc
1:name=systemd:/docker/abc
0::/system.slice/containerd.service`;
const V2 = '0::/system.slice/docker-abc.scope';
const GiB = 1024 ** 3;
const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth1\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
`;
/** A server's files (src/metrics/host.ts) with the counters given: 8 GiB of memory, 2 CPUs. */
const hostFiles = (busyTicks: number, available: number, rx: number, load: string) => ({
  stat: `cpu  ${busyTicks / 2} 0 ${busyTicks / 2} 900000 5000 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n`,
  meminfo: `MemTotal:        8388608 kB\nMemFree:          100000 kB\nMemAvailable:   ${available / 1024} kB\n`,
  loadavg: `${load} 0.40 0.30 1/200 12345\n`,
  'net/route': ROUTE,
  'net/dev': NET_DEV.replace('  eth1:     500', `  eth1: ${String(rx).padStart(7)}`),
});
const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
  eth0:    1000       5    0    0    0     0          0         0     2000       6    0    0    0     0       0          0
  eth1:     500       2    0    0    0     0          0         0      250       1    0    0    0     0       0          0
`;

describe('reading a container from the host', () => {
  it('finds the v1 counters of a process and reads them as docker stats does', () => {
    const { kind, files } = cgroupOf(V1, '/cg')!;
    expect(kind.name).toBe('v1');
    expect(files).toEqual({ cpu: '/cg/cpuacct/docker/abc/cpuacct.usage', memory: '/cg/memory/docker/abc/memory.usage_in_bytes', memoryStat: '/cg/memory/docker/abc/memory.stat', memoryLimit: '/cg/memory/docker/abc/memory.limit_in_bytes' });
    expect(kind.cpuSeconds('2500000000\n')).toBe(2.5);
    expect(kind.memoryBytes('50000000\n', 'cache 1\ntotal_inactive_file 10000000\n')).toBe(40_000_000);
    expect(kind.memoryLimit('9223372036854771712\n')).toBeNull();
    expect(kind.memoryLimit('268435456\n')).toBe(268_435_456);
  });

  it('finds the v2 counters of a process', () => {
    const { kind, files } = cgroupOf(V2, '/cg')!;
    expect(kind.name).toBe('v2');
    expect(files.cpu).toBe('/cg/system.slice/docker-abc.scope/cpu.stat');
    expect(kind.cpuSeconds('usage_usec 1500000\nuser_usec 1000000\n')).toBe(1.5);
    expect(kind.memoryBytes('30000000\n', 'anon 1\ninactive_file 5000000\n')).toBe(25_000_000);
    expect([kind.memoryLimit('max\n'), kind.memoryLimit('536870912\n')]).toEqual([null, 536_870_912]);
  });

  it('finds nothing in a file of neither kind', () => expect(cgroupOf('garbage')).toBeNull());

  it('sums the bytes of every interface but loopback', () => expect(parseNetDev(NET_DEV)).toEqual({ rx: 1500, tx: 2250 }));

  it('turns two readings into rates, and none when a counter went back', () => {
    const a = { atS: 100, cpuS: 1, memory: 0, memoryLimit: null, rx: 100, tx: 100 };
    expect(rates(a, { ...a, atS: 110, cpuS: 6, rx: 1100, tx: 200 })).toEqual({ cores: 0.5, rx: 100, tx: 10 });
    expect(rates(undefined, a)).toBeNull();
    expect(rates(a, { ...a, atS: 110, cpuS: 0.5 })).toBeNull();
  });
});

describe("reading a server's own counters", () => {
  it('reads busy CPU time, memory in use (total less available), the load and the bytes of the default route only', () => {
    const files = hostFiles(30_000, 6 * GiB, 7000, '1.25');
    expect(busySeconds(files.stat)).toBe(300);
    expect(memoryOf(files.meminfo)).toEqual({ used: 2 * GiB, total: 8 * GiB });
    expect(defaultInterface(ROUTE)).toBe('eth1');
    expect(readHost(files, 5)).toEqual({ atS: 5, cpuS: 300, memory: 2 * GiB, memoryLimit: 8 * GiB, rx: 7000, tx: 250, load: 1.25 });
    // Without a default route every interface but loopback counts.
    expect(readHost({ ...files, 'net/route': ROUTE.split('\n')[0]! }, 5).rx).toBe(8000);
  });
});

describe("reading another server's files over SSH", () => {
  it('sends the paths on standard input after a marker of its own, and refuses a path that is not a plain kernel file', () => {
    const { marker, stdin } = filesRequest(['/proc/stat', '/sys/fs/cgroup/system.slice/docker-abc.scope/cpu.stat']);
    expect(marker).toMatch(/^spur-[0-9a-f]{24}$/);
    expect(stdin).toBe(`${marker}\n/proc/stat\n/sys/fs/cgroup/system.slice/docker-abc.scope/cpu.stat\n`);
    expect(filesRequest(['/proc/stat']).marker).not.toBe(marker);
    for (const bad of ['/etc/shadow', '/proc/../etc/shadow', '/proc/1/cgroup\n/etc/shadow', 'proc/stat', '/proc/$(reboot)', "/proc/'x'", '/proc/a b']) {
      expect(() => filesRequest(['/proc/stat', bad]), bad).toThrow('not a kernel file path');
    }
  });

  it('reads the df output first, then each file; a file that could not be read is null', () => {
    const m = 'spur-0123';
    const df = 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 1000 400 600 40% /\n';
    const stdout = `${df}\n${m} /proc/loadavg\n0.10 0.20 0.30 1/2 3\n\n${m} /proc/missing\n\n${m} /proc/stat\ncpu  1 2 3\n`;
    const { df: got, files } = parseFilesReply(m, ['/proc/loadavg', '/proc/missing', '/proc/stat', '/proc/never'], stdout);
    expect(got).toBe(df);
    expect(files.get('/proc/loadavg')).toBe('0.10 0.20 0.30 1/2 3\n');
    expect(files.get('/proc/stat')).toBe('cpu  1 2 3\n');
    expect([files.get('/proc/missing'), files.get('/proc/never')]).toEqual([null, null]);
  });
});

describe("reading Traefik's counts", () => {
  const WEB = 'spur_shop_web_production';
  const served = (n: number, code: number, seconds: number, service = WEB): Served[] => Array.from({ length: n }, () => ({ service, code, seconds }));

  it('sums a service over codes, methods and protocols, by status class, with its duration histogram, passing over the other lines', () => {
    const text = traefikMetricsText([...served(90, 200, 0.02), ...served(5, 404, 0.004), ...served(5, 502, 3), { service: WEB, code: 201, method: 'POST', seconds: 0.2 }, ...served(2, 200, 0.01, 'spur_shop_api_production')]);
    const parsed = parseTraefikMetrics(text);
    expect([...parsed.keys()].sort()).toEqual(['spur_shop_api_production', WEB]);
    const web = parsed.get(WEB)!;
    expect(web.requests).toBe(101);
    expect(web.byClass).toEqual({ 2: 91, 4: 5, 5: 5 });
    expect(web.buckets.get(0.005)).toBe(5);
    expect(web.buckets.get(0.025)).toBe(95);
    expect(web.buckets.get(Infinity)).toBe(101);
  });

  it('takes quantiles from the histogram as Prometheus does, and nothing from an empty one', () => {
    const b: [number, number][] = [[0.1, 50], [0.2, 90], [0.4, 100], [Infinity, 100]];
    expect(quantile(b, 0.5)).toBeCloseTo(0.1);
    expect(quantile(b, 0.7)).toBeCloseTo(0.15);
    expect(quantile(b, 0.95)).toBeCloseTo(0.3);
    expect(quantile([[0.1, 1], [Infinity, 10]], 0.99)).toBe(0.1);
    expect(quantile([[0.1, 0], [Infinity, 0]], 0.5)).toBeNull();
  });

  it('turns two readings into the requests between them; after a Traefik restart the newer reading counts whole', () => {
    const first = parseTraefikMetrics(traefikMetricsText(served(100, 200, 0.02))).get(WEB)!;
    const then = parseTraefikMetrics(traefikMetricsText([...served(100, 200, 0.02), ...served(40, 200, 0.3), ...served(10, 500, 0.004)])).get(WEB)!;
    expect(httpUse(undefined, first)).toBeNull();
    const use = httpUse(first, then)!;
    expect(use).toMatchObject({ requests: 50, errors4xx: 0, errors5xx: 10 });
    // 10 within 5 ms, 40 in (0.25, 0.5]: the median in that bucket.
    expect(use.p50).toBeCloseTo(250 + 250 * ((25 - 10) / 40), 0);
    expect(use.p99).toBeCloseTo(250 + 250 * ((49.5 - 10) / 40), 0);
    const restarted = parseTraefikMetrics(traefikMetricsText(served(3, 200, 0.02))).get(WEB)!;
    expect(httpUse(then, restarted)).toMatchObject({ requests: 3, errors5xx: 0 });
  });
});

describe('tiers', () => {
  it('keeps a day of minutes, a week of 10 minutes and 90 days of hours', () => {
    expect(TIERS.map(spanS)).toEqual([86_400, 604_800, 7_776_000]);
    expect([tierFor('hour').tier, tierFor('day').tier, tierFor('week').tier, tierFor('90d').tier]).toEqual([0, 0, 1, 2]);
  });

  it('puts a window a full turn later in the same slot', () => {
    const t = TIERS[0]!;
    expect(slotOf(t, 3600)).toBe(slotOf(t, 3600 + spanS(t)));
    expect(slotOf(t, 3600)).not.toBe(slotOf(t, 3660));
  });

  it('names the coarser windows a minute closes, finer first', () => {
    const hour = 100 * 3600;
    expect(closedWindows(hour - 60, hour)).toEqual([{ tier: TIERS[1], startS: hour - 600 }, { tier: TIERS[2], startS: hour - 3600 }]);
    expect(closedWindows(hour + 540, hour + 600)).toEqual([{ tier: TIERS[1], startS: hour }]);
    expect(closedWindows(hour, hour + 60)).toEqual([]);
  });

  it('sums a window into means and highs', () => {
    const w = new Window(60);
    w.add({ cores: 0.5, memory: 100, memoryLimit: 1000, rx: 10, tx: 1, tasks: 1 });
    w.add({ cores: 1.5, memory: 300, memoryLimit: 1000, rx: 30, tx: 3, tasks: 2 });
    expect(w.point()).toEqual({ at: 60, cpu: 1000, cpu_max: 1500, memory: 200, memory_max: 300, memory_limit: 1000, rx: 20, tx: 2, tasks: 2 });
    // The limit is the last sample's: the one at the window's end (a deploy that set one).
    w.add({ cores: 1, memory: 200, memoryLimit: null, rx: 0, tx: 0, tasks: 2 });
    expect(w.point().memory_limit).toBeNull();
    w.add({ cores: 1, memory: 200, memoryLimit: 2000, rx: 0, tx: 0, tasks: 1 });
    expect(w.point().memory_limit).toBe(2000);
  });
});

const point = (at: number, cpu: number, memory = 100): MetricPoint => ({ at, cpu, cpu_max: cpu, memory, memory_max: memory, memory_limit: null, rx: 0, tx: 0, tasks: 1 });

describe('the store', () => {
  let db: Db;
  beforeEach(async () => (db = await openDatabase(':memory:')));
  afterEach(async () => db.destroy());

  it('keeps exits 90 days and at most EXITS_KEPT a series, each task once, and sums them into the coarser tiers', async () => {
    const nowS = 100 * 86_400;
    const exit = (series: string, i: number, at: number) => ({ series, task_id: `${series}-${i}`, at, slot: 1, state: 'failed', exit_code: 1, reason: 'it exited with code 1' });
    await recordExits(db, [exit('old', 0, nowS - 91 * 86_400), ...Array.from({ length: EXITS_KEPT + 5 }, (_, i) => exit('busy', i, nowS - 1000 + i))]);
    await recordExits(db, [exit('busy', 0, nowS)]);
    await forgetOldPoints(db, TIERS, nowS);
    expect(await exitsSince(db, 'old', 0)).toEqual([]);
    const busy = await exitsSince(db, 'busy', 0);
    expect(busy).toHaveLength(EXITS_KEPT);
    expect(busy[0]!.task_id).toBe(`busy-${EXITS_KEPT + 4}`);
    expect(busy.at(-1)!.task_id).toBe('busy-5');
    const minute = TIERS[0]!;
    for (const [i, restarts] of [2, 0, 3].entries()) await writePoints(db, { tier: 0, slot: slotOf(minute, 600 + i * 60) }, new Map([['r', { swarmId: 'x', point: { ...point(600 + i * 60, 0), ...(restarts ? { restarts } : {}) } }]]));
    await rollUp(db, { tier: 1, slot: slotOf(TIERS[1]!, 600), startS: 600, stepS: 600 });
    expect((await readPoints(db, 'r', 1, 0))[0]!.restarts).toBe(5);
    expect((await readPoints(db, 'r', 0, 0)).map((p) => p.restarts)).toEqual([2, undefined, 3]);
  });

  it('reads back what it wrote, rolls a window up from the tier below, and forgets what is past every tier', async () => {
    const [minute, tenMinutes] = [TIERS[0]!, TIERS[1]!];
    for (let i = 0; i < 10; i++) await writePoints(db, { tier: 0, slot: slotOf(minute, 6000 + i * 60) }, new Map([['spur_a_web_production', { swarmId: 'x1', point: point(6000 + i * 60, i * 100) }]]));
    expect((await readPoints(db, 'spur_a_web_production', 0, 6000)).map((p) => p.cpu)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    await rollUp(db, { tier: 1, slot: slotOf(tenMinutes, 6000), startS: 6000, stepS: 600 });
    expect(await readPoints(db, 'spur_a_web_production', 1, 0)).toEqual([{ ...point(6000, 450), cpu_max: 900 }]);
    // The limit of the 10 minutes is their last minute's.
    await writePoints(db, { tier: 0, slot: slotOf(minute, 6540) }, new Map([['spur_a_web_production', { swarmId: 'x1', point: { ...point(6540, 900), memory_limit: 4096 } }]]));
    await rollUp(db, { tier: 1, slot: slotOf(tenMinutes, 6000), startS: 6000, stepS: 600 });
    expect((await readPoints(db, 'spur_a_web_production', 1, 0))[0]!.memory_limit).toBe(4096);
    await forgetOldPoints(db, TIERS, 6000 + spanS(minute) + 300);
    expect(await readPoints(db, 'spur_a_web_production', 0, 0)).toHaveLength(5);
    await forgetOldPoints(db, TIERS, 6000 + spanS(TIERS[2]!) + 1);
    expect(await db.selectFrom('metric_series').selectAll().execute()).toEqual([]);
  });

  it('holds a bounded number of rows a series however long it runs (three turns of the minute ring)', async () => {
    const minute = TIERS[0]!;
    for (let turn = 0; turn < 3; turn++) {
      for (let i = 0; i < minute.slots; i += 7) await writePoints(db, { tier: 0, slot: slotOf(minute, i * 60) }, new Map([['s1', { swarmId: 'x1', point: point(turn * spanS(minute) + i * 60, turn) }], ['s2', { swarmId: 'x2', point: point(turn * spanS(minute) + i * 60, turn) }]]));
    }
    const rows = await db.selectFrom('metric_points').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(rows.n).toBe(2 * Math.ceil(minute.slots / 7));
    expect(new Set((await readPoints(db, 's1', 0, 0)).map((p) => p.cpu))).toEqual(new Set([2]));
  });

  it('starts a series over when its Swarm service was made again under the same name', async () => {
    const minute = TIERS[0]!;
    await writePoints(db, { tier: 0, slot: slotOf(minute, 60) }, new Map([['web', { swarmId: 'old', point: point(60, 1) }], ['api', { swarmId: 'a', point: point(60, 5) }]]));
    await writePoints(db, { tier: 0, slot: slotOf(minute, 120) }, new Map([['web', { swarmId: 'new', point: point(120, 2) }], ['api', { swarmId: 'a', point: point(120, 6) }]]));
    expect((await readPoints(db, 'web', 0, 0)).map((p) => p.cpu)).toEqual([2]);
    expect((await readPoints(db, 'api', 0, 0)).map((p) => p.cpu)).toEqual([5, 6]);
  });
});

describe('the sampler', () => {
  let db: Db;
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  /** This server's /proc: busy ticks, memory available of 8 GiB, bytes through eth0, load. */
  const hostCounters = (busyTicks: number, available: number, rx: number, load: string) => {
    for (const [path, text] of Object.entries(hostFiles(busyTicks, available, rx, load))) write(`proc/${path}`, text);
  };
  /** One task of web (pid 41) in v2, with its counters as given. */
  const counters = (cpuUsec: number, memory: number, rx: number) => {
    write('proc/41/cgroup', V2);
    write('cg/system.slice/docker-abc.scope/cpu.stat', `usage_usec ${cpuUsec}\n`);
    write('cg/system.slice/docker-abc.scope/memory.current', `${memory}\n`);
    write('cg/system.slice/docker-abc.scope/memory.stat', 'inactive_file 0\n');
    write('cg/system.slice/docker-abc.scope/memory.max', 'max\n');
    write('proc/41/net/dev', NET_DEV.replace('    1000       5', `${String(rx).padStart(8)}       5`));
  };
  const docker = {
    info: async () => ({ Swarm: { NodeID: 'n1' } }),
    listServices: async () => [
      { ID: 's1', Spec: { Name: 'spur_shop_web_production', Labels: { 'spur.managed': 'true', 'spur.install': 'i1' } } },
      { ID: 'other-install', Spec: { Name: 'spur_shop_web_production', Labels: { 'spur.managed': 'true', 'spur.install': 'i2' } } },
    ],
    listTasks: async () => [
      { ID: 't-abc', ServiceID: 's1', NodeID: 'n1', Status: { State: 'running', ContainerStatus: { ContainerID: 'abc', PID: 41 } } },
      { ID: 't-def', ServiceID: 'other-install', NodeID: 'n1', Status: { State: 'running', ContainerStatus: { ContainerID: 'def', PID: 42 } } },
    ],
  } as unknown as DockerClient;

  /** A sampler of this test's fake /proc and cgroup trees, with Docker answering; `opts` change that. */
  const makeSampler = (opts: Partial<SamplerDeps> = {}) =>
    new MetricsSampler({ db, docker, log: { info() {}, warn() {}, error() {} }, installId: 'i1', sampleS: 10, isDaemonReady: () => true, cgroupRoot: join(root, 'cg'), procRoot: join(root, 'proc'), ...opts });

  beforeEach(async () => {
    db = await openDatabase(':memory:');
    root = mkdtempSync(join(tmpdir(), 'spur-metrics-'));
    hostCounters(100_000, 2 * GiB, 1000, '0.50');
  });
  afterEach(async () => db.destroy());

  it("reads this installation's tasks from the host's files, and writes each minute's point when the minute is over", async () => {
    let now = 60_000 * 1000 + 5_000;
    const sampler = makeSampler({ nowMs: () => now });
    counters(1_000_000, 50_000_000, 1000);
    await sampler.sampleOnce();
    // The first reading has no rate yet.
    expect(sampler.current('spur_shop_web_production')).toBeUndefined();
    now += 10_000;
    counters(6_000_000, 70_000_000, 11_000);
    await sampler.sampleOnce();
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ at: 60_000, cpu: 500, memory: 70_000_000, memory_limit: null, rx: 1000, tasks: 1 });
    expect(await readPoints(db, 'spur_shop_web_production', 0, 0)).toEqual([]);
    now += 50_000;
    counters(7_000_000, 30_000_000, 11_000);
    await sampler.sampleOnce();
    expect(await readPoints(db, 'spur_shop_web_production', 0, 0)).toEqual([{ at: 60_000, cpu: 500, cpu_max: 500, memory: 70_000_000, memory_max: 70_000_000, memory_limit: null, rx: 1000, tx: 0, tasks: 1 }]);
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ at: 60_060, cpu: 20, memory: 30_000_000 });
    await sampler.stop();
    expect((await readPoints(db, 'spur_shop_web_production', 0, 0)).map((p) => p.at)).toEqual([60_000, 60_060]);
  });

  it('rolls the minutes up into the 10-minute and hourly tiers as their windows close', async () => {
    // 40 s before an hour starts.
    let now = (7200 - 40) * 1000;
    const sampler = makeSampler({ nowMs: () => now });
    for (const [i, usec] of [1_000_000, 3_000_000, 5_000_000, 7_000_000].entries()) {
      counters(usec, 10_000_000 * (i + 1), 0);
      await sampler.sampleOnce();
      now += 10_000;
    }
    // Past the hour: the minute 7140 is written, and the 10 minutes and the hour that end with it.
    now = 7205 * 1000;
    counters(8_000_000, 1, 0);
    await sampler.sampleOnce();
    const minute = await readPoints(db, 'spur_shop_web_production', 0, 0);
    expect(minute).toEqual([expect.objectContaining({ at: 7140, cpu: 200, memory: 30_000_000, memory_max: 40_000_000 })]);
    expect(await readPoints(db, 'spur_shop_web_production', 1, 0)).toEqual([{ ...minute[0], at: 6600 }]);
    expect(await readPoints(db, 'spur_shop_web_production', 2, 0)).toEqual([{ ...minute[0], at: 3600 }]);
  });

  it('rolls up the 10 minutes a restart cut across, from the minutes written before it', async () => {
    let now = (6000 + 8 * 60 + 5) * 1000;
    const make = () => makeSampler({ nowMs: () => now });
    const before = make();
    for (let i = 0; i < 10; i++) {
      counters(1_000_000 * (i + 1), 10_000_000, 0);
      await before.sampleOnce();
      now += 10_000;
    }
    // Stopped at 6585 (minute 6540 written in part), started again at 6630, in the next 10 minutes.
    await before.stop();
    now = 6630 * 1000;
    const after = make();
    for (let i = 0; i < 5; i++) {
      counters(50_000_000 + 1_000_000 * i, 10_000_000, 0);
      await after.sampleOnce();
      now += 10_000;
    }
    const minutes = (await readPoints(db, 'spur_shop_web_production', 0, 0)).map((p) => p.at);
    expect(minutes).toEqual([6480, 6540, 6600]);
    expect((await readPoints(db, 'spur_shop_web_production', 1, 0)).map((p) => [p.at, p.cpu])).toEqual([[6000, 100]]);
  });

  it("says a failure to read the host's files once, not every sample, and again only after it worked", async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const sampler = makeSampler({ log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m), error() {} } });
    write('proc/41/cgroup', 'not a cgroup file');
    for (let i = 0; i < 3; i++) await sampler.sampleOnce();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("cannot read a task's counters");
    counters(1, 1, 1);
    await sampler.sampleOnce();
    expect(infos).toEqual(["metrics: reading tasks' counters works again"]);
  });

  it('reads a service deployed after its last listing at the next sample, not a minute later', async () => {
    let deployed = false;
    const later = { ...docker, listServices: async () => (deployed ? docker.listServices() : []), listTasks: async (o: { filters: { node: string[] } }) => (deployed ? docker.listTasks(o) : []) } as unknown as DockerClient;
    let now = 120_000 * 1000;
    const sampler = makeSampler({ docker: later, nowMs: () => now });
    await sampler.sampleOnce();
    deployed = true;
    for (const usec of [1_000_000, 2_000_000]) {
      now += 10_000;
      counters(usec, 20_000_000, 0);
      await sampler.sampleOnce();
    }
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ cpu: 100, memory: 20_000_000 });
  });

  it('drops the minute a clock set back left in the future, and goes on from the new time', async () => {
    let now = 9000 * 1000;
    const sampler = makeSampler({ nowMs: () => now });
    for (const usec of [1_000_000, 2_000_000]) {
      counters(usec, 1000, 0);
      await sampler.sampleOnce();
      now += 10_000;
    }
    // Set back two hours: 9020 → 1820.
    now -= 7200 * 1000;
    for (const usec of [3_000_000, 4_000_000, 5_000_000, 6_000_000, 7_000_000, 8_000_000, 9_000_000]) {
      counters(usec, 1000, 0);
      await sampler.sampleOnce();
      now += 10_000;
    }
    expect((await readPoints(db, 'spur_shop_web_production', 0, 0)).map((p) => p.at)).toEqual([1800]);
  });

  it('says once that a task cannot be read while others can, not each sample', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const two = { ...docker, listTasks: async (o: { filters: { node: string[] } }) => [...(await docker.listTasks(o)), { ID: 't-bad', ServiceID: 's1', NodeID: 'n1', Status: { State: 'running', ContainerStatus: { ContainerID: 'bad', PID: 43 } } }] } as unknown as DockerClient;
    const sampler = makeSampler({ docker: two, log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m), error() {} } });
    counters(1, 1, 1);
    write('proc/43/cgroup', 'not a cgroup file');
    for (let i = 0; i < 4; i++) await sampler.sampleOnce();
    expect([warnings.length, infos.length]).toEqual([1, 0]);
  });

  it("reads this server's CPU, memory, load, disk and running tasks into its own series", async () => {
    let now = 300_000 * 1000;
    const sampler = makeSampler({ nowMs: () => now, disk: async () => ({ totalBytes: 100 * GiB, freeBytes: 60 * GiB }) });
    counters(1, 1, 1);
    await sampler.sampleOnce();
    expect(sampler.current(serverSeries('n1'))).toBeUndefined();
    now += 10_000;
    // 1500 ticks more in 10 s: 1.5 cores; 7 GiB of 8 available after 6.
    hostCounters(101_500, 5 * GiB, 11_000, '2.00');
    await sampler.sampleOnce();
    expect(sampler.current(serverSeries('n1'))).toEqual({ at: 300_000, cpu: 1500, cpu_max: 1500, memory: 3 * GiB, memory_max: 3 * GiB, memory_limit: 8 * GiB, rx: 1000, tx: 0, tasks: 1, disk: 40 * GiB, disk_size: 100 * GiB, load: 2000 });
    now += 60_000;
    await sampler.sampleOnce();
    expect((await readPoints(db, serverSeries('n1'), 0, 0))[0]).toMatchObject({ at: 300_000, disk: 40 * GiB, load: 2000 });
  });

  it("reads the other servers over SSH every few samples: their own counters and their tasks', the tasks summed with this server's into the service's series", async () => {
    const remote = { stat: 0, rx: 0, cpuUsec: 0 };
    const asked: string[][] = [];
    const servers: RemoteServers & { answering: boolean } = {
      answering: true,
      readyNodes: async () => [{ name: 'node2', nodeId: 'n2' }],
      async readFiles(name, paths) {
        asked.push([...paths]);
        if (!this.answering || name !== 'node2') return null;
        const files = hostFiles(remote.stat, 7 * GiB, remote.rx, '0.25');
        const text = (p: string): string | null => {
          if (p.startsWith('/proc/') && Object.hasOwn(files, p.slice(6))) return files[p.slice(6) as keyof typeof files];
          if (p === '/proc/77/cgroup') return '0::/system.slice/docker-xyz.scope';
          if (p === '/proc/77/net/dev') return NET_DEV;
          const cg = '/sys/fs/cgroup/system.slice/docker-xyz.scope/';
          return ({ [`${cg}cpu.stat`]: `usage_usec ${remote.cpuUsec}\n`, [`${cg}memory.current`]: '30000000\n', [`${cg}memory.stat`]: 'inactive_file 0\n', [`${cg}memory.max`]: '100000000\n' } as Record<string, string>)[p] ?? null;
        };
        return { disk: { totalBytes: 50 * GiB, freeBytes: 45 * GiB }, files: new Map(paths.map((p) => [p, text(p)])) };
      },
    };
    const spread = { ...docker, listTasks: async () => [...(await docker.listTasks()), { ID: 't-xyz', ServiceID: 's1', NodeID: 'n2', Status: { State: 'running', ContainerStatus: { ContainerID: 'xyz', PID: 77 } } }] } as unknown as DockerClient;
    let now = 400_000 * 1000;
    const sampler = makeSampler({ docker: spread, servers, nowMs: () => now });
    const settle = () => new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 7; i++) {
      counters(1_000_000 * (i + 1), 50_000_000, 0);
      await sampler.sampleOnce();
      await settle();
      // The remote server's counters move by a minute's worth between its readings (every 6 samples).
      if (i === 0) Object.assign(remote, { stat: 6000, rx: 60_000, cpuUsec: 30_000_000 });
      now += 10_000;
    }
    // The 7th reading came after its sample had been summed: it counts from the next, a minute's first.
    now += 10_000;
    counters(9_000_000, 50_000_000, 0);
    await sampler.sampleOnce();
    // Read at the 1st sample (its tasks' control groups first, then the files) and at the 7th.
    expect(asked.map((paths) => paths.length)).toEqual([1, 10, 10]);
    expect(asked[0]).toEqual(['/proc/77/cgroup']);
    // node2: 6000 ticks = 60 s of CPU in 60 s, 1 GiB of 8 in use, its one task.
    expect(sampler.current(serverSeries('n2'))).toMatchObject({ cpu: 1000, memory: GiB, memory_limit: 8 * GiB, rx: 1000, tasks: 1, disk: 5 * GiB, disk_size: 50 * GiB, load: 250 });
    // web: 0.1 core here and 0.5 on node2 (30 s in 60 s); 50 MB here, 30 MB there; the limit is known only there.
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ cpu: 600, memory: 80_000_000, memory_limit: null, tasks: 2 });
    // node2 stops answering: its reading stays until it is stale (2.5 readings), then counts no more.
    servers.answering = false;
    for (let i = 0; i < 6; i++) {
      counters(10_000_000 + 1_000_000 * i, 50_000_000, 0);
      now += 10_000;
      await sampler.sampleOnce();
      await settle();
    }
    now += 60_000;
    await sampler.sampleOnce();
    await settle();
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ tasks: 1, memory: 50_000_000 });
    expect(sampler.current(serverSeries('n2'))).toBeUndefined();
  });

  it('records a task that ended on its own with its reason, counts it in the minute, and passes over one stopped on purpose', async () => {
    type T = { ID: string; ServiceID: string; NodeID: string; Slot: number; DesiredState?: string; Status: { State: string; Err?: string; Timestamp?: string; ContainerStatus: { ContainerID: string; PID: number; ExitCode?: number } } };
    const running = (id: string, slot: number, container: string): T => ({ ID: id, ServiceID: 's1', NodeID: 'n1', Slot: slot, Status: { State: 'running', ContainerStatus: { ContainerID: container, PID: 41 } } });
    let listed: T[] = [running('t1', 1, 'abc'), running('t2', 2, 'abd')];
    const ended: T[] = [
      { ...running('t1', 1, 'abc'), Status: { State: 'failed', Err: 'task: non-zero exit (137)', Timestamp: '2026-12-06T08:00:05Z', ContainerStatus: { ContainerID: 'abc', PID: 0, ExitCode: 137 } } },
      { ...running('t2', 2, 'abd'), Status: { State: 'shutdown', Timestamp: '2026-12-06T08:00:06Z', ContainerStatus: { ContainerID: 'abd', PID: 0, ExitCode: 0 } } },
    ];
    const askedFor: string[][] = [];
    const crashing = {
      ...docker,
      listTasks: async (o: { filters: { id?: string[] } }) => {
        if (!o.filters.id) return listed;
        askedFor.push(o.filters.id);
        return ended.filter((t) => o.filters.id!.includes(t.ID));
      },
    } as unknown as DockerClient;
    let now = 1_800_000 * 1000;
    const sampler = makeSampler({ docker: crashing, nowMs: () => now });
    counters(1, 1, 1);
    await sampler.sampleOnce();
    // t1 was killed (out of memory); t2 was stopped by a rollout; t3 runs in t1's place.
    listed = [running('t3', 1, 'abe')];
    now += 10_000;
    await sampler.sampleOnce();
    expect(askedFor).toEqual([['t1', 't2']]);
    expect(await exitsSince(db, 'spur_shop_web_production', 0)).toEqual([{ series: 'spur_shop_web_production', task_id: 't1', at: Date.parse('2026-12-06T08:00:05Z') / 1000, slot: 1, state: 'failed', exit_code: 137, reason: 'it was stopped with code 137 (out of memory, or killed)' }]);
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ restarts: 1 });
    // Nothing runs now: the minute still carries its exit.
    listed = [];
    now += 60_000;
    await sampler.sampleOnce();
    expect((await readPoints(db, 'spur_shop_web_production', 0, 0)).at(-1)).toMatchObject({ at: 1_800_000, restarts: 1 });
  });

  it("adds each service's requests, errors and latency since Traefik's last reading to its minute, every sixth sample", async () => {
    const requests: Served[] = [];
    let reads = 0;
    let now = 2_000_000 * 1000;
    const sampler = makeSampler({ nowMs: () => now, traefik: async () => (reads++, traefikMetricsText(requests)) });
    const settle = () => new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 7; i++) {
      counters(1_000_000 * (i + 1), 1000, 0);
      await sampler.sampleOnce();
      await settle();
      // Served between the first reading (none yet: Traefik lists a service from its first request) and the
      // seventh: 60, 3 failing fast; another installation's not counted.
      if (i === 0) for (let n = 0; n < 60; n++) requests.push({ service: 'spur_shop_web_production', code: n < 3 ? 503 : 200, seconds: n < 3 ? 0.001 : 0.04 }, { service: 'spur_other_web_production', code: 200, seconds: 1 });
      now += 10_000;
    }
    expect(reads).toBe(2);
    const point = sampler.current('spur_shop_web_production')!;
    expect(point).toMatchObject({ requests: 60, errors_4xx: 0, errors_5xx: 3 });
    // 3 in the first bucket (≤ 5 ms), 57 in (25, 50] ms: p50 at 25 + 25 × (30 − 3)/57 ms, in microseconds.
    expect(point.p50).toBe(Math.round((25 + (25 * 27) / 57) * 1000));
    expect(sampler.current('spur_other_web_production')).toBeUndefined();
  });

  it("scales Traefik's counts to a minute by the time each reading covers, whatever the sample interval", async () => {
    const requests: Served[] = [];
    let now = 3_000_000 * 1000;
    // Every 15 s: Traefik is read every sixth sample's time, 90 s apart.
    const sampler = makeSampler({ sampleS: 15, nowMs: () => now, traefik: async () => traefikMetricsText(requests) });
    const settle = () => new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 7; i++) {
      counters(1_000_000 * (i + 1), 1000, 0);
      await sampler.sampleOnce();
      await settle();
      if (i === 0) for (let n = 0; n < 90; n++) requests.push({ service: 'spur_shop_web_production', code: 200, seconds: 0.01 });
      if (i < 6) now += 15_000;
    }
    // 90 requests in 90 s: 60 a minute.
    expect(sampler.current('spur_shop_web_production')).toMatchObject({ requests: 60, errors_5xx: 0 });
  });

  it('takes no sample while Docker is not ready', async () => {
    const sampler = makeSampler({ isDaemonReady: () => false });
    await sampler.sampleOnce();
    await sampler.sampleOnce();
    expect(sampler.current('spur_shop_web_production')).toBeUndefined();
  });
});

describe('windowStart', () => it('is the start of the window holding a moment', () => expect(windowStart(TIERS[1]!, 1234)).toBe(1200)));
