// App tier: the project page is a canvas of the environment's services and databases, with a line
// (and a sentence) for each service that references another, live over the page's stream; values
// never show.
import { beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../store/databases.js';
import { shopWithWeb } from '../../test/app-fixture.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
const page = async (path: string) => (await t.app.request(path, { headers: { Cookie: t.cookies.owner } })).text();

beforeEach(async () => {
  t = await shopWithWeb();
  const project = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
  const env = await t.deps.db.selectFrom('environments').select('id').where('project_id', '=', project.id).where('name', '=', 'production').executeTakeFirstOrThrow();
  await createDatabase(t.deps.db, t.deps.key, { projectId: project.id, environmentId: env.id, name: 'pg', volumeName: 'spur_canvas_pg_test', engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'canvas-secret-pw', database: 'pg' } });
  expect((await t.call('owner', 'POST', '/projects/shop/services', { name: 'api', image: 'nginx' })).status).toBe(201);
  for (const [service, variables] of [['web', { DATABASE_URL: '${{pg.DATABASE_URL}}', PGHOST: '${{pg.PGHOST}}', API: 'http://${{api.PORT}}', TOKEN: '${{shared.TOKEN}}' }], ['api', { DB: 'postgres://${{pg.PGHOST}}' }]] as const) {
    expect((await t.call('owner', 'PUT', `/projects/shop/services/${service}/variables`, { variables })).status).toBe(200);
  }
});

describe('the project canvas', () => {
  it('shows every service and database as a card, in columns by what they use', async () => {
    const html = await page('/projects/shop');
    const cards = [...html.matchAll(/<li class="card canvas-card" data-(service|database)="([a-z]+)" style="left: (\d+)px/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(cards).toEqual(['database pg 16', 'service api 368', 'service web 720']);
    expect(html).toContain('<a href="/projects/shop/services/web" class="canvas-name"><strong>web</strong></a>');
    expect(html).toContain('<a href="/projects/shop/databases/pg?env=production" class="canvas-name"><strong>pg</strong></a>');
    expect(html).toMatch(/data-service="web"[^]*?never deployed[^]*?serves: nothing yet[^]*?1 replica wanted \(Docker cannot be asked\)/);
  });

  it('draws one line per service and what it names, and says each in words; a reference to shared variables draws none', async () => {
    const html = await page('/projects/shop');
    const lines = [...html.matchAll(/<path class="canvas-line" d="[^"]+" data-from="([a-z]+)" data-to="([a-z]+)"/g)].map((m) => `${m[1]}→${m[2]}`);
    expect(lines).toEqual(['api→pg', 'web→api', 'web→pg']);
    expect(html).toContain('<li data-line="web pg">web uses pg (DATABASE_URL, PGHOST)</li>');
    expect(html).toContain('<li data-line="web api">web uses api (API)</li>');
    expect(html).toContain('<li data-line="api pg">api uses pg (DB)</li>');
    expect(html).not.toContain('canvas-secret-pw');
  });

  it('the live stream sends the same canvas', async () => {
    const res = await t.app.request('/projects/shop/events?env=production', { headers: { Cookie: t.cookies.owner } });
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: services\ndata: [^\n]*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('web uses pg (DATABASE_URL, PGHOST)');
    expect(text).toContain('data-database="pg"');
  });

  it('keeps the forms to add a service, a database, an environment and a shared variable', async () => {
    const html = await page('/projects/shop');
    for (const form of ['new-service', 'new-database', 'new-environment']) expect(html).toContain(`id="${form}"`);
    expect(html).toContain('action="/projects/shop/shared-variables?env=production"');
  });

  it('not for a member of no project: 404', async () => {
    const res = await t.app.request('/projects/shop', { headers: { Cookie: t.cookies.member } });
    expect(res.status).toBe(404);
  });
});
