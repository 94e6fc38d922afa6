// The state every page shows, from the same facts: a service that serves while its last attempt
// failed is "serving #1, #2 failed" (amber) on the dashboard, project and service pages, never
// counted "failed" or "down"; a database whose task Docker rejects is down with Docker's reason
// in plain words on its page, the project page and the dashboard.
import { beforeAll, describe, expect, it } from 'vitest';
import { RunningTasks } from '../docker/running-tasks.js';
import { createDatabase } from '../store/databases.js';
import { queueDeployment, transitionDeployment } from '../store/deployments.js';
import { shopWithWeb } from '../../test/app-fixture.js';

let fixture: Awaited<ReturnType<typeof shopWithWeb>>;
const page = async (path: string) => (await fixture.app.request(path, { headers: { Cookie: fixture.cookies.owner } })).text();
const REASON = 'Your app exited with code 1 right after starting: starting v2 / fatal: DATABASE_URL is not set. #1 keeps serving.';

/** A Swarm task as Docker lists it. */
const task = (labels: Record<string, string>, state: string, desired: string, at: string, err?: string) => ({
  Slot: 1,
  DesiredState: desired,
  Status: { State: state, Timestamp: at, Err: err },
  Spec: { ContainerSpec: { Labels: { 'spur.managed': 'true', 'spur.project': 'shop', 'spur.environment': 'production', ...labels } } },
});

beforeAll(async () => {
  fixture = await shopWithWeb();
  const { deps } = fixture;
  const scope = { serviceId: 1, environmentId: 1 };
  const first = (await queueDeployment(deps.db, { ...scope, trigger: 'test' })).deployment.id;
  for (const to of ['deploying', 'active'] as const) await transitionDeployment(deps.db, first, to, { image_tag: 'nginx' });
  const second = (await queueDeployment(deps.db, { ...scope, trigger: 'test' })).deployment.id;
  await transitionDeployment(deps.db, second, 'deploying', { image_tag: 'nginx' });
  await transitionDeployment(deps.db, second, 'failed', { failure_reason: REASON });
  await createDatabase(deps.db, deps.key, { projectId: 1, environmentId: 1, name: 'pg', volumeName: 'v', engine: 'postgres', image: 'postgres:99', credentials: { user: 'app', password: 'p', database: 'pg' } });
  // Docker as it answers: web's version 1 runs (version 2 crashed and was rolled back); pg's task
  // is rejected every few seconds, a new one waiting for its turn.
  const tasks = [
    task({ 'spur.service': 'web', 'spur.deployment': String(first) }, 'running', 'running', '2026-12-05T07:00:10Z'),
    task({ 'spur.service': 'web', 'spur.deployment': String(second) }, 'failed', 'shutdown', '2026-12-05T07:00:05Z', 'task: non-zero exit (1)'),
    task({ 'spur.database': 'pg' }, 'rejected', 'shutdown', '2026-12-05T07:00:01Z', 'No such image: postgres:99'),
    task({ 'spur.database': 'pg' }, 'rejected', 'ready', '2026-12-05T07:00:06Z', 'No such image: postgres:99'),
  ];
  const wanted = (filters?: { service?: string[] }) => tasks.filter((t) => !filters?.service || filters.service[0] === ('spur.service' in t.Spec.ContainerSpec.Labels ? 'spur_shop_web_production' : 'spur_shop_pg_production'));
  (deps.docker as unknown as { listTasks: (o?: { filters?: { service?: string[] } }) => Promise<unknown[]> }).listTasks = async (o) => wanted(o?.filters);
  deps.runningTasks = new RunningTasks(deps.docker, 0);
  (deps as { daemon: unknown }).daemon = { state: { reachable: true, swarm: true }, ready: true };
});

describe('a service that serves while its last attempt failed', () => {
  it('reads "serving #1, #2 failed" with the attention mark on the dashboard, the project page and the service page, and is not counted failed', async () => {
    const dashboard = await page('/');
    expect(dashboard).toMatch(/>web<\/a>: <span class="state-mark" data-kind="attention"><span class="dot" aria-hidden="true"><\/span>serving #1, #2 failed<\/span>/);
    expect(dashboard).toContain('web (shop, production)</a><span>serving #1, #2 failed');
    expect(dashboard).not.toMatch(/<\/span>\d+ failed</);
    const project = await page('/projects/shop');
    expect(project).toMatch(/data-kind="attention"><span class="dot" aria-hidden="true"><\/span>serving #1, #2 failed/);
    const service = await page('/projects/shop/services/web');
    expect(service).toMatch(/<dt>State<\/dt><dd><span class="state-mark" data-kind="attention"><span class="dot" aria-hidden="true"><\/span>serving #1, #2 failed<\/span><\/dd>/);
  });

  it('gives the reason with a link to the output of the crashed tasks, on the service and deployment pages', async () => {
    const link = '<a href="/projects/shop/services/web/logs?env=production&amp;all=1">Its output in the logs</a>';
    expect(await page('/projects/shop/services/web')).toContain(`${REASON} ${link}`);
    expect(await page('/deployments/2')).toContain(`<p class="error">${REASON} ${link}</p>`);
  });
});

describe('a database whose image Docker cannot find', () => {
  it("is down with Docker's reason in plain words, on its page, the project page and the dashboard", async () => {
    const reason = 'Docker cannot find the image postgres:99';
    const own = await page('/projects/shop/databases/pg?env=production');
    expect(own).toMatch(/<h1>pg <span class="state-mark" data-kind="down"><span class="dot" aria-hidden="true"><\/span>down<\/span><\/h1>/);
    expect(own).toContain(`pg is down: ${reason}.`);
    expect(own).not.toMatch(/\bstarting\b/);
    expect(await page('/projects/shop')).toContain(`down</span><span class="state-detail"> — ${reason}</span>`);
    expect(await page('/')).toContain(`pg (shop, production)</a><span>down: ${reason}</span>`);
  });

  it('says the same through the API', async () => {
    const { json } = await fixture.call('owner', 'GET', '/projects/shop/databases');
    expect(json.databases[0].state).toEqual({ kind: 'down', words: 'down', detail: 'Docker cannot find the image postgres:99' });
  });
});
