// App tier: the command palette's search (issue 26, item 16). It lists only what the user's
// project access allows, matches names simply (exact, then prefix, then word start, then
// anywhere), refuses an overlong query, caps its results, and sends each action's question.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { createDatabase } from '../store/databases.js';
import { queueDeployment } from '../store/deployments.js';
import type { createApp } from './app.js';
import { PALETTE_QUERY_MAX, PALETTE_RESULTS_MAX } from '../actions/palette.js';
import { type apiAs, shopWithWeb } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof apiAs>;
let cookies: { owner: string; member: string };

beforeEach(async () => {
  let member: { id: number };
  ({ deps, app, call, cookies, member } = await shopWithWeb());
  // The member belongs to `blog` (service api, database notes) and not to `shop`.
  expect((await call('owner', 'POST', '/projects', { name: 'blog' })).status).toBe(201);
  expect((await call('owner', 'POST', '/projects/blog/services', { name: 'api', image: 'nginx' })).status).toBe(201);
  expect((await call('owner', 'POST', '/projects/shop/services', { name: 'worker', image: 'nginx' })).status).toBe(201);
  const blog = await deps.db.selectFrom('projects').select('id').where('name', '=', 'blog').executeTakeFirstOrThrow();
  await addProjectMember(deps.db, blog.id, member.id);
  for (const [project, name] of [['blog', 'notes'], ['shop', 'orders']]) {
    const p = await deps.db.selectFrom('projects').select('id').where('name', '=', project).executeTakeFirstOrThrow();
    const e = await deps.db.selectFrom('environments').select('id').where('project_id', '=', p.id).executeTakeFirstOrThrow();
    await createDatabase(deps.db, deps.key, { projectId: p.id, environmentId: e.id, name, volumeName: `spur_${project}_${name}_test`, engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'pw', database: name } });
  }
});

/** The palette's answer: status, and each option's visible text and data attributes. */
async function palette(who: 'owner' | 'member', q: string) {
  const res = await app.request(`/palette?q=${encodeURIComponent(q)}`, { headers: { Cookie: cookies[who] } });
  const html = await res.text();
  const options = [...html.matchAll(/<li role="option"([^>]*)>([\s\S]*?)<\/li>/g)].map(([, attrs, inner]) => ({
    text: inner.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
    href: /data-href="([^"]*)"/.exec(attrs)?.[1],
    post: /data-post="([^"]*)"/.exec(attrs)?.[1],
    fields: /data-fields="([^"]*)"/.exec(attrs)?.[1],
    confirm: /data-confirm="([^"]*)"/.exec(attrs)?.[1],
  }));
  return { status: res.status, html, options };
}

const instanceOf = async (project: string, service: string) => {
  const row = await deps.db
    .selectFrom('service_instances')
    .innerJoin('services', 'services.id', 'service_instances.service_id')
    .innerJoin('projects', 'projects.id', 'services.project_id')
    .select(['service_instances.service_id', 'service_instances.environment_id'])
    .where('projects.name', '=', project)
    .where('services.name', '=', service)
    .executeTakeFirstOrThrow();
  return { serviceId: row.service_id, environmentId: row.environment_id };
};

describe('the command palette search (issue 26, item 16)', () => {
  it('finds a service by its name, its prefix and project/service, exact matches first', async () => {
    const exact = await palette('owner', 'web');
    expect(exact.status).toBe(200);
    expect(exact.options[0]).toMatchObject({ text: 'Service web shop · production', href: '/projects/shop/services/web?env=production' });
    const prefix = await palette('owner', 'wo');
    expect(prefix.options.map((o) => o.text)).toEqual(['Service worker shop · production']);
    expect((await palette('owner', 'shop/w')).options.map((o) => o.text)).toEqual(['Service web shop · production', 'Service worker shop · production']);
    expect((await palette('owner', 'nothing-like-this')).html).toMatch(/Nothing matches “nothing-like-this”/);
  });

  it('goes to projects, databases and the pages the role allows', async () => {
    expect((await palette('owner', 'blog')).options.map((o) => o.text)).toEqual(['Project blog', 'Service api blog · production', 'Database notes blog · production']);
    expect((await palette('owner', 'orders')).options).toEqual([{ text: 'Database orders shop · production', href: '/projects/shop/databases/orders?env=production', post: undefined, fields: undefined, confirm: undefined }]);
    expect((await palette('member', 'orders')).options).toEqual([]);
    expect((await palette('member', 'no')).options.map((o) => o.text)).toEqual(['Database notes blog · production']);
    expect((await palette('owner', 'settings')).options[0]).toMatchObject({ text: 'Page Settings', href: '/settings' });
    expect((await palette('owner', 'ser')).options.map((o) => o.text)).toContain('Page Servers');
    // A member is not offered the owner's pages.
    expect((await palette('member', 'settings')).options).toEqual([]);
    expect((await palette('member', 'ser')).options.map((o) => o.text)).toEqual([]);
    expect((await palette('member', 'ssh')).options[0]).toMatchObject({ text: 'Page SSH keys', href: '/keys' });
  });

  it('shows a member only the projects they belong to: not another project’s services, actions or deployments', async () => {
    const shopDeployment = (await queueDeployment(deps.db, { ...(await instanceOf('shop', 'web')), trigger: 'test' })).deployment;
    const blogDeployment = (await queueDeployment(deps.db, { ...(await instanceOf('blog', 'api')), trigger: 'test' })).deployment;
    expect((await palette('member', 'web')).options).toEqual([]);
    expect((await palette('member', 'shop')).options).toEqual([]);
    expect((await palette('member', 'deploy web')).options).toEqual([]);
    expect((await palette('member', `#${shopDeployment.id}`)).options).toEqual([]);
    expect((await palette('member', 'api')).options.map((o) => o.text)).toEqual(['Service api blog · production']);
    expect((await palette('member', `#${blogDeployment.id}`)).options).toEqual([{ text: `Deployment #${blogDeployment.id} api in blog · production · queued`, href: `/deployments/${blogDeployment.id}`, post: undefined, confirm: undefined }]);
    // With nothing typed: the member's pages, projects and recent deployments, nothing of shop's.
    const start = await palette('member', '');
    expect(start.options.map((o) => o.text)).toEqual(['Page Projects', 'Page SSH keys', 'Page Account', 'Project blog', `Deployment #${blogDeployment.id} api in blog · production · queued`]);
    // The owner sees both.
    expect((await palette('owner', `#${shopDeployment.id}`)).options[0].href).toBe(`/deployments/${shopDeployment.id}`);
  });

  it('offers deploy, rollback and logs by name, each action with its question from the server', async () => {
    const deploy = await palette('owner', 'deploy web');
    expect(deploy.options).toEqual([{ text: 'Deploy web shop · production', href: '/projects/shop/services/web?env=production', post: '/projects/shop/services/web/deploy?env=production', confirm: 'Deploy web to production now? The new version replaces the one serving once it is healthy.' }]);
    expect((await palette('owner', 'logs shop/web')).options).toEqual([{ text: 'Logs of web shop · production', href: '/projects/shop/services/web/logs?env=production', post: undefined, confirm: undefined }]);
    // No version served before: the rollback is listed, and says why it cannot run.
    const none = await palette('owner', 'rollback shop/web');
    expect(none.options).toEqual([{ text: 'Roll back web shop · production · nothing earlier to roll back to', href: '/projects/shop/services/web/deployments?env=production', post: undefined, confirm: undefined }]);
    expect(none.html).toMatch(/aria-disabled="true"/);
    // Two versions that served: the rollback names the one it goes back to, and posts its id.
    const scope = await instanceOf('shop', 'web');
    const first = (await queueDeployment(deps.db, { ...scope, trigger: 'test' })).deployment;
    await deps.db.updateTable('deployments').set({ status: 'superseded', image_tag: 'spur/shop-web:1' }).where('id', '=', first.id).execute();
    const second = (await queueDeployment(deps.db, { ...scope, trigger: 'test' })).deployment;
    await deps.db.updateTable('deployments').set({ status: 'active', image_tag: 'spur/shop-web:2' }).where('id', '=', second.id).execute();
    expect((await palette('owner', 'rollback web')).options).toEqual([
      { text: `Roll back web shop · production · to #${first.id}`, href: '/projects/shop/services/web/deployments?env=production', post: '/projects/shop/services/web/rollback?env=production', fields: `deployment=${first.id}`, confirm: `Roll web in production back to deployment #${first.id}? Its image replaces the version serving now.` },
    ]);
  });

  it(`refuses a query longer than ${PALETTE_QUERY_MAX} characters`, async () => {
    const res = await palette('owner', 'w'.repeat(PALETTE_QUERY_MAX + 1));
    expect(res.status).toBe(400);
    expect(res.html).toMatch(`q: must be at most ${PALETTE_QUERY_MAX} characters`);
    expect((await palette('owner', 'w'.repeat(PALETTE_QUERY_MAX))).status).toBe(200);
  });

  it(`lists at most ${PALETTE_RESULTS_MAX} results`, async () => {
    for (let i = 0; i < PALETTE_RESULTS_MAX + 5; i++) expect((await call('owner', 'POST', '/projects/shop/services', { name: `svc${i}`, image: 'nginx' })).status).toBe(201);
    const res = await palette('owner', 'svc');
    expect(res.options).toHaveLength(PALETTE_RESULTS_MAX);
    expect(res.html).toMatch(`Showing the first ${PALETTE_RESULTS_MAX}: type more to narrow.`);
  });

  it('answers the JSON API with the same results, and nobody without a session or token', async () => {
    const json = await call('member', 'GET', '/palette?q=api');
    expect(json).toEqual({ status: 200, json: { results: [{ kind: 'service', label: 'api', detail: 'blog · production', href: '/projects/blog/services/api?env=production' }], more: false } });
    expect((await app.request('/palette?q=web')).status).not.toBe(200);
    expect((await app.request('/api/v1/palette?q=web')).status).toBe(401);
  });

  it('is offered on every signed-in page: the header button, the dialog with its combobox, and its script', async () => {
    for (const path of ['/', '/projects/shop', '/keys']) {
      const html = await (await app.request(path, { headers: { Cookie: cookies.owner } })).text();
      expect(html).toMatch(/<button type="button" class="link palette-open" data-palette-open="true" aria-haspopup="dialog" aria-keyshortcuts="Control\+K Meta\+K"[^>]*>\s*Search\s*<\/button>/);
      expect(html).toMatch(/<dialog id="palette" class="palette" aria-labelledby="palette-label">/);
      expect(html).toMatch(/<input id="palette-input" type="text" role="combobox" aria-expanded="false"/);
      expect(html).toContain('<script src="/public/palette.js" defer="">');
    }
    const login = await (await app.request('/login')).text();
    expect(login).not.toContain('id="palette"');
  });
});
