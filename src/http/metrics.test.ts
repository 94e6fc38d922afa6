// App tier: a service's metrics through the API — the points of the range's tier, the minute in
// progress, the deployments in the range as markers; a range that is not one of the four is refused.
import { beforeEach, describe, expect, it } from 'vitest';
import { recordExits, writePoints } from '../store/metrics.js';
import { queueDeployment } from '../store/deployments.js';
import { createDatabase } from '../store/databases.js';
import { TIERS, slotOf } from '../metrics/tiers.js';
import { shopWithWeb } from '../../test/app-fixture.js';

const WEB = 'spur_shop_web_production';
let t: Awaited<ReturnType<typeof shopWithWeb>>;
const point = (at: number, cpu: number) => ({ at, cpu, cpu_max: cpu * 2, memory: 64 * 2 ** 20, memory_max: 80 * 2 ** 20, memory_limit: 256 * 2 ** 20, rx: 1200, tx: 300, tasks: 2 });

beforeEach(async () => {
  t = await shopWithWeb();
});

describe('GET /projects/:project/services/:service/metrics', () => {
  it("answers the last hour's minutes with the minute in progress, in cores and bytes, and the deployments in it", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const minute = TIERS[0]!;
    const start = Math.floor(nowS / 60) * 60;
    for (const at of [start - 7200, start - 120, start - 60]) await writePoints(t.deps.db, { tier: 0, slot: slotOf(minute, at) }, new Map([[WEB, { swarmId: 'w1', point: point(at, 250) }]]));
    t.deps.metrics = { current: (name) => (name === WEB ? point(start, 1500) : undefined) };
    const ids = await t.deps.db.selectFrom('services').innerJoin('environments', 'environments.project_id', 'services.project_id').select(['services.id as serviceId', 'environments.id as environmentId']).where('environments.name', '=', 'production').executeTakeFirstOrThrow();
    const { deployment } = await queueDeployment(t.deps.db, { ...ids, trigger: 'api:owner@example.com' });

    const res = await t.call('owner', 'GET', '/projects/shop/services/web/metrics');
    expect(res.status).toBe(200);
    expect(res.json.range).toBe('hour');
    expect(res.json.stepS).toBe(60);
    expect(res.json.points.map((p: { at: string }) => Date.parse(p.at) / 1000)).toEqual([start - 120, start - 60, start]);
    expect(res.json.points[0]).toEqual({ at: new Date((start - 120) * 1000).toISOString(), cpu: 0.25, cpuMax: 0.5, memory: 64 * 2 ** 20, memoryMax: 80 * 2 ** 20, memoryLimit: 256 * 2 ** 20, rx: 1200, tx: 300, tasks: 2, restarts: 0 });
    expect(res.json.points[2].cpu).toBe(1.5);
    expect(res.json.deployments).toEqual([{ id: deployment.id, status: 'queued', at: deployment.created_at }]);
  });

  it('reads a week from the 10-minute tier, without the minute in progress', async () => {
    t.deps.metrics = { current: () => ({ ...point(0, 1), at: 0 }) };
    const at = Math.floor(Date.now() / 1000 / 600) * 600 - 3 * 86_400;
    await writePoints(t.deps.db, { tier: 1, slot: slotOf(TIERS[1]!, at) }, new Map([[WEB, { swarmId: 'w1', point: point(at, 100) }]]));
    const res = await t.call('owner', 'GET', '/projects/shop/services/web/metrics?range=week');
    expect([res.status, res.json.stepS, res.json.points.length, res.json.points[0].cpu]).toEqual([200, 600, 1, 0.1]);
  });

  it('refuses a range that is not hour, day, week or 90d, and a service that is not there', async () => {
    for (const range of ['year', '1h', '', 'hour;drop']) {
      const res = await t.call('owner', 'GET', `/projects/shop/services/web/metrics?range=${encodeURIComponent(range)}`);
      expect([res.status, res.json.error], range).toEqual([400, expect.stringContaining('range: must be one of hour, day, week, 90d')]);
    }
    expect((await t.call('owner', 'GET', '/projects/shop/services/nope/metrics')).status).toBe(404);
  });
});

describe('the Metrics tab and the database charts', () => {
  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers: { Cookie: t.cookies.owner, ...headers } });

  it("draws the hour's CPU, memory against its limit and network, with the deployment marked on the time axis", async () => {
    const start = Math.floor(Date.now() / 60_000) * 60;
    for (const at of [start - 180, start - 120, start - 60]) await writePoints(t.deps.db, { tier: 0, slot: slotOf(TIERS[0]!, at) }, new Map([[WEB, { swarmId: 'w1', point: point(at, 250) }]]));
    const ids = await t.deps.db.selectFrom('services').innerJoin('environments', 'environments.project_id', 'services.project_id').select(['services.id as serviceId', 'environments.id as environmentId']).where('environments.name', '=', 'production').executeTakeFirstOrThrow();
    const { deployment } = await queueDeployment(t.deps.db, { ...ids, trigger: 'api:owner@example.com' });

    const res = await get('/projects/shop/services/web/metrics?env=production');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<title>Metrics · web · shop');
    expect(html).toMatch(/<a href="\/projects\/shop\/services\/web\/metrics\?env=production" aria-current="page">Metrics<\/a>/);
    const captions = [...html.matchAll(/<figcaption><strong>(\w+)<\/strong><span class="chart-now">([^<]+)</g)].map((m) => [m[1], m[2]]);
    expect(captions).toEqual([['CPU', '0.25 cores'], ['Memory', '64 MiB'], ['Network', '1.2 KiB/s']]);
    expect(html).toContain('aria-label="Memory of web over the last hour: mean up to 64 MiB, highest sample up to 80 MiB, limit up to 256 MiB; latest 64 MiB."');
    // Three minutes in a row: one line each, from the first minute's middle to the last's.
    const cpu = html.match(/<path class="line line-a" d="([^"]+)"/)![1]!;
    expect(cpu.match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    expect(html).toContain(`title="Deployment #${deployment.id}, queued,`);
    expect(html).toMatch(/<line class="deploy deploy-queued" x1="(99\d\.\d|1000\.0)"/);
  });

  it('swaps in the charts alone for a range link, says when there is nothing yet, and refuses a range it does not know', async () => {
    const fragment = await (await get('/projects/shop/services/web/metrics?env=production&range=week', { 'HX-Request': 'true' })).text();
    expect(fragment.startsWith('<section class="metrics"')).toBe(true);
    expect(fragment).not.toContain('<html');
    expect(fragment).toMatch(/<a href="[^"]*range=week"[^>]*aria-current="true">Week<\/a>/);
    expect(fragment).toContain('No samples in the last week yet');
    const refused = await get('/projects/shop/services/web/metrics?env=production&range=year');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('range: must be one of hour, day, week, 90d');
  });

  it("leaves a database's charts to after its page has loaded, and draws them on their own page without JavaScript", async () => {
    const ids = await t.deps.db.selectFrom('projects').innerJoin('environments', 'environments.project_id', 'projects.id').select(['projects.id as projectId', 'environments.id as environmentId']).where('environments.name', '=', 'production').executeTakeFirstOrThrow();
    await createDatabase(t.deps.db, t.deps.key, { ...ids, name: 'db', volumeName: 'spur_shop_db_production_data_test', engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'pw', database: 'db' } });
    const page = await (await get('/projects/shop/databases/db?env=production')).text();
    expect(page).toContain('<section class="metrics" hx-get="/projects/shop/databases/db/metrics?env=production&amp;range=hour" hx-trigger="load"');
    expect(page).not.toContain('<figure class="chart">');
    const at = Math.floor(Date.now() / 60_000) * 60 - 60;
    await writePoints(t.deps.db, { tier: 0, slot: slotOf(TIERS[0]!, at) }, new Map([['spur_shop_db_production', { swarmId: 'd1', point: point(at, 500) }]]));
    const fragment = await (await get('/projects/shop/databases/db/metrics?env=production&range=hour', { 'HX-Request': 'true' })).text();
    expect(fragment.startsWith('<section class="metrics"')).toBe(true);
    expect(fragment).toContain('<strong>CPU</strong><span class="chart-now">0.50 cores</span>');
    const alone = await (await get('/projects/shop/databases/db/metrics?env=production&range=hour')).text();
    expect(alone).toContain('<h1>Metrics of db</h1>');
    expect(alone).toContain('<strong>CPU</strong>');
  });
});

describe("a server's charts", () => {
  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers: { Cookie: t.cookies.owner, ...headers } });
  const GiB = 1024 ** 3;

  beforeEach(() => {
    // Docker answers: one manager, this server, named by its hostname.
    t.deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as typeof t.deps.daemon;
    const node = { ID: 'n1', Spec: { Role: 'manager', Availability: 'active' }, Description: { Hostname: 'alpha', Resources: { NanoCPUs: 2e9, MemoryBytes: 8 * GiB } }, Status: { State: 'ready' } };
    Object.assign(t.deps.docker, { listNodes: async () => [node], listTasks: async () => [] });
    t.deps.swarmNodes = { get: async () => [node] };
  });

  it("draws the manager's CPU, memory, network, disk and load on its own page, and its CPU, memory and disk alone on the dashboard", async () => {
    const at = Math.floor(Date.now() / 60_000) * 60 - 60;
    await writePoints(t.deps.db, { tier: 0, slot: slotOf(TIERS[0]!, at) }, new Map([['node:n1', { swarmId: 'n1', point: { ...point(at, 1500), memory_limit: 8 * GiB, disk: 40 * GiB, disk_size: 100 * GiB, load: 1250 } }]]));
    const page = await (await get('/servers/alpha')).text();
    expect(page).toContain('<h1>alpha</h1>');
    expect(page).toContain('hx-get="/servers/alpha/metrics?range=hour" hx-trigger="load"');
    expect(page).not.toContain('Remove alpha');
    const charts = await (await get('/servers/alpha/metrics?range=hour', { 'HX-Request': 'true' })).text();
    expect([...charts.matchAll(/<strong>(\w+)<\/strong><span class="chart-now">([^<]+)/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['CPU 1.50 cores', 'Memory 64 MiB', 'Network 1.2 KiB/s', 'Disk 40 GiB', 'Load 1.25']);
    const summary = await (await get('/servers/alpha/metrics?range=hour&summary=1', { 'HX-Request': 'true' })).text();
    expect([...summary.matchAll(/<strong>(\w+)<\/strong>/g)].map((m) => m[1])).toEqual(['CPU', 'Memory', 'Disk']);
    expect(summary).toContain('href="/servers/alpha/metrics?range=day&amp;summary=1"');
    const api = await t.call('owner', 'GET', '/servers/alpha/metrics?range=hour');
    expect(api.json.points[0]).toMatchObject({ cpu: 1.5, disk: 40 * GiB, diskSize: 100 * GiB, load: 1.25 });
    expect((await t.call('member', 'GET', '/servers/alpha/metrics')).status).toBe(403);
    expect((await t.call('owner', 'GET', '/servers/nope/metrics')).status).toBe(404);
  });
});

describe('GET /metrics (Prometheus)', () => {
  const scrape = (token?: string) => t.app.request('/metrics', { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it("says every service's, database's and server's newest minute to an owner's token, in Prometheus's text format", async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60;
    const ids = await t.deps.db.selectFrom('projects').innerJoin('environments', 'environments.project_id', 'projects.id').select(['projects.id as projectId', 'environments.id as environmentId']).where('environments.name', '=', 'production').executeTakeFirstOrThrow();
    await createDatabase(t.deps.db, t.deps.key, { ...ids, name: 'db', volumeName: 'spur_shop_db_production_data_test', engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'pw', database: 'db' } });
    const write = (series: string, at: number, p: Omit<ReturnType<typeof point>, 'memory_limit'> & { memory_limit: number | null } & Record<string, number | null>) => writePoints(t.deps.db, { tier: 0, slot: slotOf(TIERS[0]!, at) }, new Map([[series, { swarmId: 'x', point: p }]]));
    await write(WEB, minute - 120, point(minute - 120, 100));
    await write(WEB, minute - 60, { ...point(minute - 60, 250), requests: 120, errors_4xx: 1, errors_5xx: 6, p50: 20_000, p95: 80_000, p99: 150_000 });
    // A newer minute in which no task was read (only an exit counted): passed over.
    await write(WEB, minute, { ...point(minute, 0), memory: 0, memory_max: 0, memory_limit: null, tasks: 0, restarts: 1 });
    await write('spur_shop_db_production', minute - 600, point(minute - 600, 900)); // stale: not said
    await write('node:n1', minute - 60, { ...point(minute - 60, 1500), memory_limit: 8 * 2 ** 30, disk: 2 ** 30, disk_size: 4 * 2 ** 30, load: 750 });
    t.deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as typeof t.deps.daemon;
    t.deps.swarmNodes = { get: async () => [{ ID: 'n1', Spec: {}, Description: { Hostname: 'alpha' }, Status: { State: 'ready' } }] };

    const res = await scrape(t.tokens.owner);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE spur_service_cpu_cores gauge\nspur_service_cpu_cores{project="shop",service="web",environment="production"} 0.25\n');
    expect(text).toContain('spur_service_memory_limit_bytes{project="shop",service="web",environment="production"} 268435456\n');
    expect(text).toContain('spur_server_load1{server="alpha"} 0.75\n');
    expect(text).toContain('spur_service_http_requests_per_second{project="shop",service="web",environment="production"} 2\n');
    expect(text).toContain('spur_service_http_5xx_per_second{project="shop",service="web",environment="production"} 0.1\n');
    expect(text).toContain('spur_service_http_latency_p99_seconds{project="shop",service="web",environment="production"} 0.15\n');
    expect(text).toContain('spur_server_disk_size_bytes{server="alpha"} 4294967296\n');
    expect(text).toContain('spur_server_memory_total_bytes{server="alpha"} 8589934592\n');
    expect(text).not.toContain('database="db"');
    // Every line a comment or `name{labels} value`.
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) spur_\w+ .+|spur_\w+(\{(\w+="[^"]*",?)+\})? -?[\d.e+]+)$/);
  });

  it("refuses no token, a bad one and a member's", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('not-a-real-token-at-all')).status).toBe(401);
    const member = await scrape(t.tokens.member);
    expect(member.status).toBe(403);
    expect(await member.text()).not.toContain('spur_service');
  });
});

describe('exits on the Metrics tab', () => {
  it('charts the restarts and lists each exit with its reason, newest first', async () => {
    const at = Math.floor(Date.now() / 60_000) * 60 - 60;
    await writePoints(t.deps.db, { tier: 0, slot: slotOf(TIERS[0]!, at) }, new Map([[WEB, { swarmId: 'w1', point: { ...point(at, 100), restarts: 2 } }]]));
    const exit = (id: string, s: number, reason: string) => ({ series: WEB, task_id: id, at: at + s, slot: 1, state: 'failed', exit_code: 1, reason });
    await recordExits(t.deps.db, [exit('a', 5, 'it exited with code 1'), exit('b', 20, 'it failed its health check')]);
    const html = await (await t.app.request('/projects/shop/services/web/metrics?env=production', { headers: { Cookie: t.cookies.owner } })).text();
    expect(html).toContain('<strong>Restarts</strong><span class="chart-now">2</span>');
    expect(html).not.toContain('<strong>Requests</strong>');
    const table = html.slice(html.indexOf('<table class="exits">'), html.indexOf('</table>', html.indexOf('<table class="exits">')));
    expect([...table.matchAll(/<td data-label="Why">([^<]+)<\/td>/g)].map((m) => m[1])).toEqual(['it failed its health check', 'it exited with code 1']);
    const api = await t.call('owner', 'GET', '/projects/shop/services/web/metrics');
    expect(api.json.exits).toEqual([
      { at: new Date((at + 20) * 1000).toISOString(), slot: 1, exitCode: 1, reason: 'it failed its health check' },
      { at: new Date((at + 5) * 1000).toISOString(), slot: 1, exitCode: 1, reason: 'it exited with code 1' },
    ]);
  });
});

describe('HTTP on the Metrics tab', () => {
  it("charts the requests a second with the 5xx among them, and the latency's p50, p95 and p99", async () => {
    const at = Math.floor(Date.now() / 60_000) * 60 - 60;
    await writePoints(t.deps.db, { tier: 0, slot: slotOf(TIERS[0]!, at) }, new Map([[WEB, { swarmId: 'w1', point: { ...point(at, 100), requests: 300, errors_4xx: 0, errors_5xx: 30, p50: 12_000, p95: 90_000, p99: 1_500_000 } }]]));
    const html = await (await t.app.request('/projects/shop/services/web/metrics?env=production', { headers: { Cookie: t.cookies.owner } })).text();
    expect(html).toContain('<strong>Requests</strong><span class="chart-now">5.00/s</span>');
    expect(html).toContain('aria-label="Requests of web over the last hour: all up to 5.00/s, 5xx up to 0.50/s; latest 5.00/s."');
    expect(html).toContain('aria-label="Latency of web over the last hour: p50 up to 12 ms, p95 up to 90 ms, p99 up to 1.50 s; latest 12 ms."');
    const api = await t.call('owner', 'GET', '/projects/shop/services/web/metrics');
    expect(api.json.points[0].http).toEqual({ requests: 300, perSecond: 5, errors4xx: 0, errors5xx: 30, errors5xxPerSecond: 0.5, p50: 12, p95: 90, p99: 1500 });
  });
});
