// App tier: the dashboard starts with what needs attention (a service down or serving after a
// failed deploy, a server that could not be enrolled or is down), then each project with its services'
// states in words, then recent deploys and rollbacks with who asked (web, API, webhook); a member
// sees only their projects, and no servers.
import { swarmServiceName } from '../docker/names.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../db/schema.js';
import { addProjectMember } from '../store/access.js';
import { createNodeRecord, updateNode } from '../store/nodes.js';
import { getDeployment, queueDeployment } from '../store/deployments.js';
import { ORIGIN, shopWithWeb } from '../../test/app-fixture.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
const page = async (cookie: string) => (await t.app.request('/', { headers: { Cookie: cookie } })).text();
const ids = async (project: string, service: string) => {
  const row = await t.deps.db.selectFrom('services').innerJoin('projects', 'projects.id', 'services.project_id').innerJoin('environments', 'environments.project_id', 'projects.id')
    .select(['services.id as serviceId', 'environments.id as environmentId']).where('projects.name', '=', project).where('services.name', '=', service).where('environments.name', '=', 'production').executeTakeFirstOrThrow();
  return row;
};
/** A finished deployment as the pipeline would leave it. */
const deployment = async (project: string, service: string, status: DeploymentStatus, trigger = 'api:o@example.com', requestedBy?: number) => {
  const { deployment: d } = await queueDeployment(t.deps.db, { ...(await ids(project, service)), trigger, requestedBy });
  await t.deps.db.updateTable('deployments').set({ status }).where('id', '=', d.id).execute();
  return d.id;
};
const section = (html: string, id: string) => html.slice(html.indexOf(`id="${id}"`), html.indexOf('</section>', html.indexOf(`id="${id}"`)));

beforeEach(async () => {
  t = await shopWithWeb();
  expect((await t.call('owner', 'POST', '/projects', { name: 'blog' })).status).toBe(201);
  for (const [project, service] of [['blog', 'api'], ['shop', 'worker']]) expect((await t.call('owner', 'POST', `/projects/${project}/services`, { name: service, image: 'nginx' })).status).toBe(201);
});

describe('the dashboard', () => {
  it('lists first what needs attention: a service serving while its last deploy failed, one down, a server not enrolled; not a healthy or never-deployed one', async () => {
    const serving = await deployment('shop', 'web', 'active');
    const failed = await deployment('shop', 'web', 'failed');
    const down = await deployment('blog', 'api', 'failed');
    const gone = await createNodeRecord(t.deps.db, { name: 'gone', host: '127.0.0.1', port: 1, user: 'root' });
    await updateNode(t.deps.db, gone.id, { status: 'failed', error: 'connect: connection refused' });
    // Docker answers: web's serving version runs.
    t.deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as typeof t.deps.daemon;
    t.deps.runningTasks = { counts: async () => new Map(), summary: async () => new Map([[swarmServiceName({ project: 'shop', service: 'web', environment: 'production' }), { running: 1 }]]) };
    t.deps.swarmNodes = { get: async () => [{ ID: 'n2', Spec: {}, Description: { Hostname: 'edge-2' }, Status: { State: 'down' } }] };

    const html = await page(t.cookies.owner);
    const attention = section(html, 'attention-title');
    expect(attention).toContain(`<a href="/projects/shop/services/web?env=production">web (shop, production)</a><span>serving #${serving}, #${failed} failed</span>`);
    expect(attention).toContain(`<a href="/projects/blog/services/api?env=production">api (blog, production)</a><span>down: #${down} failed</span>`);
    expect(attention).toContain('<a href="/servers/gone">server gone</a><span>could not be enrolled: connect: connection refused</span>');
    expect(attention).toContain('<a href="/servers/edge-2">server edge-2</a><span>is down: the Swarm cannot reach it</span>');
    expect(attention).not.toContain('worker');
    expect(html.indexOf('Needs attention')).toBeLessThan(html.indexOf('Your projects'));
    // Each server's CPU, memory and disk, fetched once the page has loaded.
    expect(section(html, 'servers-title')).toContain('<h3><a href="/servers/edge-2">edge-2</a></h3><section class="metrics" hx-get="/servers/edge-2/metrics?range=hour&amp;summary=1" hx-trigger="load"');

    const projects = section(html, 'projects-title');
    expect(projects).toMatch(new RegExp(`data-project="shop"[^]*<a href="/projects/shop/services/web\\?env=production">web</a>: <span class="state-mark" data-kind="attention"><span class="dot" aria-hidden="true"></span>serving #${serving}, #${failed} failed</span></li>[^]*worker</a>: <span class="state-mark" data-kind="none"><span class="dot" aria-hidden="true"></span>never deployed`));
  });

  it('says when nothing needs attention', async () => {
    await deployment('shop', 'web', 'active');
    expect(section(await page(t.cookies.owner), 'attention-title')).toContain('Nothing needs attention');
  });

  it('shows recent deploys and rollbacks with who asked for them: from the web, the API (a member), a webhook', async () => {
    t.deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as typeof t.deps.daemon;
    t.deps.runningTasks = { counts: async () => new Map(), summary: async () => new Map() };
    const request = async (input: Parameters<typeof queueDeployment>[1]) => (await queueDeployment(t.deps.db, input)).deployment;
    t.deps.deployer = { ...t.deps.deployer, request, rollback: async (scope, by, id) => request({ ...scope, ...by, source: await getDeployment(t.deps.db, id!) }) };
    const shop = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await addProjectMember(t.deps.db, shop.id, t.member.id);
    // The member's deploys run at once here: production unprotected (approvals.test.ts tests protection).
    await t.deps.db.updateTable('environments').set({ protected: 0 }).execute();

    // The owner deploys from the web UI (session + CSRF).
    const home = await page(t.cookies.owner);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home)![1];
    const web = await t.app.request('/projects/shop/services/web/deploy', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: t.cookies.owner }, body: new URLSearchParams({ _csrf: csrf }).toString() });
    expect(web.status).toBe(303);
    const first = Number(web.headers.get('location')!.split('/').pop());
    await t.deps.db.updateTable('deployments').set({ status: 'superseded' }).where('id', '=', first).execute();
    // The member deploys with the API (as the CLI does), then rolls back to the first.
    expect((await t.call('member', 'POST', '/projects/shop/services/web/deployments')).status).toBe(202);
    const rolled = await t.call('member', 'POST', '/projects/shop/services/web/rollback', { deployment: first });
    expect(rolled.status).toBe(202);
    // A webhook asks as nobody.
    const hooked = await deployment('shop', 'worker', 'active', 'webhook:github');

    const rows = await t.deps.db.selectFrom('deployments').select(['id', 'requested_by']).orderBy('id').execute();
    const owner = await t.deps.db.selectFrom('users').select('id').where('email', '=', 'o@example.com').executeTakeFirstOrThrow();
    expect(rows.map((r) => r.requested_by)).toEqual([owner.id, t.member.id, t.member.id, null]);

    const feed = section(await page(t.cookies.owner), 'activity-title');
    const items = [...feed.matchAll(/<li data-deployment="(\d+)"><span>([^]*?)<\/span><span>/g)].map((m) => `${m[1]} ${m[2].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()}`);
    expect(items).toEqual([
      `${hooked} a push to GitHub (webhook) deployed worker (shop, production)`,
      `${rolled.json.deployment.id} m@example.com rolled back web to #${first} (shop, production)`,
      `${first + 1} m@example.com deployed web (shop, production)`,
      `${first} o@example.com deployed web (shop, production)`,
    ]);
  });

  it('a member sees only their projects: states, attention and activity of others stay out, and no servers', async () => {
    await deployment('blog', 'api', 'failed');
    await deployment('shop', 'web', 'failed');
    const gone = await createNodeRecord(t.deps.db, { name: 'gone', host: '127.0.0.1', port: 1, user: 'root' });
    await updateNode(t.deps.db, gone.id, { status: 'failed', error: 'connect: connection refused' });
    const blog = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'blog').executeTakeFirstOrThrow();
    await addProjectMember(t.deps.db, blog.id, t.member.id);

    const html = await page(t.cookies.member);
    expect(html).toContain('api (blog, production)');
    expect(html).toContain('data-project="blog"');
    expect(html).not.toContain('shop');
    expect(html).not.toContain('server gone');
    expect(html).not.toContain('servers-title');
  });
});
