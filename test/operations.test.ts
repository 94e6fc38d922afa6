// Scaling, limits and restart policy as Docker sees them, and the service's and the server's
// metrics as the host counts them; one deploy at a time, superseding and cancelling.
import { existsSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type Served, startTraefikStandIn } from './fixtures/traefik-metrics.js';
import { type SpurProcess, api, cli, docker, startGitStack, stopAll, uniqueName } from './harness.js';
import { answerProblems } from './api-answers.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
let repo: ReturnType<typeof createRepo>;
const project = uniqueName('ops');
const swarmName = `spur_${project}_web_production`;
const served: Served[] = [];
let traefik: Awaited<ReturnType<typeof startTraefikStandIn>>;

beforeAll(async () => {
  // Metrics sampled every second, so that a test sees the minute in progress within seconds;
  // Traefik's counts read from a stand-in that serves its format (its image is not here).
  traefik = await startTraefikStandIn(served);
  ({ git, spur, token } = await startGitStack({ env: { SPUR_METRICS_SAMPLE: '1', SPUR_TRAEFIK_METRICS_URL: traefik.url } }));
  repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'v1');
  await cli(spur, ['project', 'create', project]);
  await cli(spur, ['service', 'create', project, 'web', '--git', repo.url]);
  expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
});
afterAll(async () => {
  await stopAll({ spur, git }, [project]);
  await traefik?.close();
});

const inspect = async () => JSON.parse(await docker('service', 'inspect', swarmName))[0];
const runningTasks = async () => (await docker('service', 'ps', swarmName, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}')).split('\n').filter((l) => l.startsWith('Running'));
async function eventually(check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 500));
  }
}
const deployments = async () => (await api(spur, token)('GET', `/projects/${project}/services/web/deployments`)).json.deployments as { id: number; status: string; failureReason: string | null }[];
async function waitFinished(id: number) {
  await eventually(async () => ['active', 'failed', 'cancelled', 'superseded'].includes((await deployments()).find((d) => d.id === id)!.status), 120_000);
  return (await deployments()).find((d) => d.id === id)!;
}

describe('scale and limits', () => {
  it('scales up and down at once, without replacing running tasks', async () => {
    const before = (await inspect()).Spec.Labels['spur.deployment'];
    const up = await cli(spur, ['scale', project, 'web', '3']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim()).toBe('web set to 3 replicas');
    expect((await inspect()).Spec.Mode.Replicated.Replicas).toBe(3);
    await eventually(async () => (await runningTasks()).length === 3);
    expect((await cli(spur, ['status', project, 'web'])).stdout).toContain('Replicas:       3 of 3 running');
    const down = await cli(spur, ['scale', project, 'web', '1', '--json']);
    expect(JSON.parse(down.stdout)).toEqual({ replicas: 1, applied: true });
    expect(answerProblems('POST /projects/:project/services/:service/scale', { status: 200, text: down.stdout })).toEqual([]);
    await eventually(async () => (await runningTasks()).length === 1);
    expect((await inspect()).Spec.Labels['spur.deployment']).toBe(before);
    const status = (await cli(spur, ['status', project, 'web', '--json'])).stdout;
    expect(JSON.parse(status)).toMatchObject({ replicas: 1, running: 1 });
    expect(answerProblems('GET /projects/:project/services/:service', { status: 200, text: status })).toEqual([]);
  });

  it('applies CPU and memory limits, reservations, restart policy and stop grace with the next deploy', async () => {
    const set = await cli(spur, ['settings', project, 'web', '--cpu', '0.5', '--memory', '128', '--cpu-reservation', '0.1', '--memory-reservation', '32', '--restart', 'on-failure', '--restart-attempts', '4', '--stop-grace', '7']);
    expect(set.code, set.stderr).toBe(0);
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
    const spec = (await inspect()).Spec.TaskTemplate;
    expect(spec.Resources).toEqual({ Limits: { NanoCPUs: 500_000_000, MemoryBytes: 128 * 1024 * 1024 }, Reservations: { NanoCPUs: 100_000_000, MemoryBytes: 32 * 1024 * 1024 } });
    expect(spec.RestartPolicy).toMatchObject({ Condition: 'on-failure', MaxAttempts: 4 });
    expect(spec.ContainerSpec.StopGracePeriod).toBe(7_000_000_000);
    const container = (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${swarmName}`)).split('\n')[0];
    expect(JSON.parse(await docker('inspect', container))[0].HostConfig).toMatchObject({ NanoCpus: 500_000_000, Memory: 128 * 1024 * 1024 });
  });

  it("shows the service's memory against its limit, its CPU and its tasks, read from the host", async () => {
    type Point = { at: string; cpu: number; cpuMax: number; memory: number; memoryLimit: number | null; rx: number; tx: number; tasks: number };
    let points: Point[] = [];
    await eventually(async () => {
      points = (await api(spur, token)('GET', `/projects/${project}/services/web/metrics?range=hour`)).json.points;
      return points.some((p) => p.memoryLimit !== null);
    }, 30_000);
    const now = points.find((p) => p.memoryLimit !== null)!;
    // The Node app runs in tens of MiB, under the 128 MiB limit the last test set, within its half core.
    expect(now.memoryLimit).toBe(128 * 1024 * 1024);
    expect(now.memory).toBeGreaterThan(5 * 1024 * 1024);
    expect(now.memory).toBeLessThan(now.memoryLimit!);
    expect(now.tasks).toBeGreaterThanOrEqual(1);
    expect(now.cpu).toBeGreaterThanOrEqual(0);
    expect(now.cpuMax).toBeLessThanOrEqual(0.6);
    expect(Date.now() - Date.parse(now.at)).toBeLessThan(120_000);
    const refused = await api(spur, token)('GET', `/projects/${project}/services/web/metrics?range=year`);
    expect(refused.status).toBe(400);
  });

  it("reads the service's requests, errors and latency from what Traefik counts (a stand-in serving Traefik's metrics format)", async () => {
    // A reading before the requests: Traefik lists a service from its first request.
    const before = traefik.reads();
    await eventually(async () => traefik.reads() > before, 30_000);
    for (let i = 0; i < 50; i++) served.push(i < 5 ? { service: swarmName, code: 502, seconds: 0.002 } : { service: swarmName, code: 200, seconds: 0.03 });
    type Http = { requests: number; errors5xx: number; errors4xx: number; p50: number; p95: number; p99: number };
    let http: Http | undefined;
    await eventually(async () => {
      const points = (await api(spur, token)('GET', `/projects/${project}/services/web/metrics?range=hour`)).json.points as { http?: Http }[];
      http = points.find((p) => p.http?.requests)?.http;
      return http !== undefined;
    }, 30_000);
    // Counted a minute at a time: the 50 requests of one reading are scaled by 60 s over the time
    // it covered (a few seconds, sampled every second here), so the figures keep their ratio.
    expect(http!.requests).toBeGreaterThanOrEqual(50);
    expect(http!.errors4xx).toBe(0);
    expect(http!.errors5xx / http!.requests).toBeCloseTo(0.1, 2);
    // 5 within 5 ms, 45 in (25, 50] ms: the quantiles as Prometheus reads the histogram.
    expect(http!.p50).toBeCloseTo(25 + (25 * (25 - 5)) / 45, 1);
    expect(http!.p99).toBeCloseTo(25 + (25 * (49.5 - 5)) / 45, 1);
  });

  it('records a task killed from outside as an exit with its reason, counted in its minute, while Swarm starts another', async () => {
    const container = (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${swarmName}`)).split('\n')[0]!;
    await docker('kill', container);
    type Exit = { at: string; slot: number | null; exitCode: number | null; reason: string };
    let view: { exits: Exit[]; points: { restarts: number }[] } = { exits: [], points: [] };
    await eventually(async () => {
      view = (await api(spur, token)('GET', `/projects/${project}/services/web/metrics?range=hour`)).json;
      return view.exits.length > 0;
    }, 30_000);
    expect(view.exits[0]).toMatchObject({ exitCode: 137, reason: 'it was stopped with code 137 (out of memory, or killed)' });
    expect(Date.now() - Date.parse(view.exits[0]!.at)).toBeLessThan(60_000);
    expect(view.points.some((p) => p.restarts >= 1)).toBe(true);
    await eventually(async () => (await runningTasks()).length >= 1, 30_000);
  });

  it("shows the server's own CPU, memory, disk, load and running tasks, read from its /proc", async () => {
    const manager = (await api(spur, token)('GET', '/servers')).json.servers.find((s: { role: string }) => s.role === 'manager');
    type Point = { cpu: number; memory: number; memoryLimit: number; disk: number; diskSize: number; load: number; tasks: number };
    let points: Point[] = [];
    await eventually(async () => {
      points = (await api(spur, token)('GET', `/servers/${manager.name}/metrics?range=hour`)).json.points;
      // The test before killed web's task: a sample taken before Swarm's replacement ran counts none.
      return points.length > 0 && points.at(-1)!.tasks >= 1;
    }, 30_000);
    const now = points.at(-1)!;
    const memTotal = Number(readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+)/m)![1]) * 1024;
    expect(now.memoryLimit).toBe(memTotal);
    expect(now.memory).toBeGreaterThan(0);
    expect(now.memory).toBeLessThan(memTotal);
    const disk = await statfs(existsSync('/var/lib/docker') ? '/var/lib/docker' : '/');
    expect(now.diskSize).toBe(disk.blocks * disk.bsize);
    expect(now.disk).toBeGreaterThan(0);
    expect(now.cpu).toBeGreaterThan(0);
    expect(now.cpu).toBeLessThanOrEqual(availableParallelism() + 0.1);
    expect(now.load).toBeGreaterThanOrEqual(0);
    expect(now.tasks).toBeGreaterThanOrEqual(1);

    // Prometheus, with a read token made as the README says.
    const made = await cli(spur, ['token', 'create', '--name', 'prometheus', '--scope', 'read']);
    expect(made.code, made.stderr).toBe(0);
    const scrape = () => fetch(`${spur.url}/metrics`, { headers: { Authorization: `Bearer ${made.stdout.trim()}` } });
    expect((await scrape()).status).toBe(200);
    // The newest whole minute's: one that ended after the limits' rollout (until then a task of the
    // version before, without a limit, may have run at its end), its tasks' together.
    const limitLine = new RegExp(`^spur_service_memory_limit_bytes\\{project="${project}",service="web",environment="production"\\} (\\d+)$`, 'm');
    let text = '';
    await eventually(async () => limitLine.test((text = await (await scrape()).text())), 90_000);
    expect(Number(text.match(limitLine)![1]) % (128 * 1024 * 1024)).toBe(0);
    expect(text).toMatch(new RegExp(`^spur_server_memory_total_bytes\\{server="${manager.name}"\\} ${memTotal}$`, 'm'));
    expect((await fetch(`${spur.url}/metrics`)).status).toBe(401);
  });

  it('refuses contradictory or out-of-range settings and changes nothing', async () => {
    const before = (await cli(spur, ['settings', project, 'web', '--json'])).stdout;
    for (const args of [['--cpu-reservation', '2'], ['--memory', '2'], ['--health', 'http', '--health-path', 'no-slash'], ['--restart', 'sometimes'], ['--health-path', '/a b']]) {
      const res = await cli(spur, ['settings', project, 'web', ...args]);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await cli(spur, ['settings', project, 'web', '--json'])).stdout).toBe(before);
  });
});

describe('one deploy at a time', () => {
  it('runs deployments one after another; a newer request supersedes one still queued', async () => {
    const slow = helloAppFiles('q');
    repo.commit({ ...slow, Dockerfile: slow.Dockerfile.replace('CMD', 'RUN sleep 4\nCMD') }, 'slowish build');
    const call = api(spur, token);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id);
    const final = await waitFinished(ids[2]);
    expect(final.status).toBe('active');
    const [first, second] = [(await deployments()).find((d) => d.id === ids[0])!, (await deployments()).find((d) => d.id === ids[1])!];
    expect(first.status).toBe('superseded');
    expect(second).toMatchObject({ status: 'superseded', failureReason: 'a newer deployment was requested' });
  });

  it('cancels a running build; the active version stays', async () => {
    const active = (await inspect()).Spec.Labels['spur.deployment'];
    const slow = helloAppFiles('never');
    repo.commit({ ...slow, Dockerfile: slow.Dockerfile.replace('CMD', 'RUN sleep 60\nCMD') }, 'very slow build');
    const id = (await api(spur, token)('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id;
    await eventually(async () => (await deployments()).find((d) => d.id === id)!.status === 'building');
    await new Promise((r) => setTimeout(r, 1500));
    const started = Date.now();
    const res = await cli(spur, ['cancel', project, 'web']);
    expect(res.stdout.trim()).toBe(`Cancelled deployment #${id}`);
    const after = await waitFinished(id);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(after).toMatchObject({ status: 'cancelled', failureReason: 'cancelled by request' });
    expect((await inspect()).Spec.Labels['spur.deployment']).toBe(active);
    expect((await cli(spur, ['cancel', project, 'web'])).stdout.trim()).toBe('Nothing to cancel.');
  });
});

describe('runtime log streams', () => {
  it('lets one user hold at most 10 open at once; closing one frees its place', async () => {
    const open = (signal?: AbortSignal) => fetch(`${spur.url}/api/v1/projects/${project}/services/web/logs?follow=1&tail=1`, { headers: { Authorization: `Bearer ${token}` }, signal });
    const controllers = Array.from({ length: 10 }, () => new AbortController());
    const streams = await Promise.all(controllers.map((c) => open(c.signal)));
    expect(streams.map((r) => r.status)).toEqual(Array(10).fill(200));
    const eleventh = await open();
    expect(eleventh.status).toBe(429);
    expect(((await eleventh.json()) as { error: string }).error).toMatch(/at most 10 log streams/);
    controllers[0].abort();
    await eventually(async () => {
      const again = await open(AbortSignal.timeout(2000)).catch(() => undefined);
      return again?.status === 200;
    }, 10_000);
    controllers.forEach((c) => c.abort());
  });
});
