// App tier (issue 26, items 7, 8, 11): every action that takes time says what it is doing; every
// removal, rollback and deploy asks first, in the same words wherever it is offered (the
// confirmation component); a database's delete names the services that reference it; a new
// service can be created and deployed in one step, in the UI and the API.
import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { createDatabase } from '../store/databases.js';
import { queueDeployment } from '../store/deployments.js';
import type { createApp } from './app.js';
import { shopWithWeb } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: Awaited<ReturnType<typeof shopWithWeb>>['call'];
let cookie = '';
let requested: { serviceId: number; environmentId: number; trigger: string }[] = [];

beforeEach(async () => {
  const shop = await shopWithWeb();
  ({ deps, app, call } = shop);
  cookie = shop.cookies.owner;
  requested = [];
  // A deployer that queues the record and nothing more (no Docker here).
  deps.deployer.request = async (r) => {
    requested.push(r);
    return (await queueDeployment(deps.db, r)).deployment;
  };
});

const page = async (path: string, extra = '') => {
  const res = await app.request(path, { headers: { Cookie: `${cookie}${extra}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
/** Posts a form as the browser would, with or without htmx. */
const post = async (path: string, fields: Record<string, string>, opts: { htmx?: boolean } = {}) => {
  const csrf = csrfOf(await page('/projects/shop'));
  return app.request(path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', ...(opts.htmx ? { 'HX-Request': 'true' } : {}) },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
};
/** The opening tag of the form that posts to `action` (its attributes decoded). */
const formTo = (html: string, action: string) => {
  const tag = [...html.matchAll(/<form\b[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(`action="${action}"`));
  expect(tag, `a form posting to ${action}`).toBeDefined();
  return tag!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
};
const toastAfter = async (res: Response, path: string) => {
  const toast = /spur_toast=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  expect(toast, 'a toast cookie').toBeTruthy();
  return /<div class="toast" role="status">([^<]*)<\/div>/.exec(await page(path, `; spur_toast=${toast}`))?.[1];
};

describe('removals ask first, on plain forms too', () => {
  beforeEach(async () => {
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { API_KEY: 'k' })).status).toBe(200);
    expect((await call('owner', 'PUT', '/projects/shop/shared-variables', { GREETING: 'hello' })).status).toBe(200);
    expect((await call('owner', 'POST', '/projects/shop/services/web/volumes', { name: 'data', mountPath: '/data' })).status).toBe(201);
    expect((await call('owner', 'POST', '/projects/shop/services/web/domains', { hostname: 'shop.example' })).status).toBe(201);
    const { publicKey } = generateKeyPairSync('ed25519');
    const openssh = `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)]).toString('base64')} laptop`;
    expect((await call('owner', 'POST', '/keys', { key: openssh, name: 'laptop' })).status).toBe(201);
  });

  it('a variable, shared variable, volume, domain and SSH key: each remove form carries its question, and no page relies on hx-confirm', async () => {
    const pages = { variables: await page('/projects/shop/services/web/variables?env=production'), settings: await page('/projects/shop/services/web/settings?env=production'), project: await page('/projects/shop'), keys: await page('/keys') };
    expect(formTo(pages.variables, '/projects/shop/services/web/variables/remove?env=production')).toContain('data-confirm="Remove API_KEY from web? The next deploy runs without it."');
    expect(formTo(pages.project, '/projects/shop/shared-variables/remove?env=production')).toContain('data-confirm="Remove the shared variable GREETING? Services referencing it fail their next deploy until it is set again."');
    expect(formTo(pages.settings, '/projects/shop/services/web/volumes/remove?env=production')).toMatch(/data-confirm="Stop mounting data in web\? Its data stays in Docker volume spur_[^"]+\."/);
    expect(formTo(pages.settings, '/projects/shop/services/web/domains/remove?env=production')).toContain('data-confirm="Remove shop.example from web? The next deploy stops routing it here."');
    expect(/<form\b[^>]*action="\/keys\/\d+\/remove"[^>]*>/.exec(pages.keys)?.[0]).toContain('data-confirm="Remove the SSH key laptop? Pushes signed with it are refused from now on."');
    for (const html of Object.values(pages)) {
      expect(html).not.toContain('hx-confirm');
      expect(html).toMatch(/<script src="\/public\/actions.js" defer(="")?>/);
    }
  });

  it('a removal done without htmx says what happened on the page it lands on', async () => {
    const res = await post('/projects/shop/services/web/variables/remove?env=production', { key: 'API_KEY' });
    expect(res.status).toBe(303);
    expect(await toastAfter(res, '/projects/shop/services/web/variables?env=production')).toBe('API_KEY removed from web; the next deploy runs without it');
  });
});

describe('deploy and rollback ask, with the same words as the d shortcut', () => {
  it('the Deploy button (the one d presses) asks before it deploys, and says it is deploying', async () => {
    const html = await page('/projects/shop/services/web?env=production');
    const deployForm = formTo(html, '/projects/shop/services/web/deploy?env=production');
    expect(deployForm).toContain('data-confirm="Deploy web to production now? The new version replaces the one serving once it is healthy."');
    // d clicks this very button, so it asks the same question.
    expect(deployForm).toContain('data-busy="Deploying web…"');
    expect(html).toMatch(/<form\b[^>]*data-confirm="Deploy web to production now\?[^>]*>\s*<input type="hidden" name="_csrf"[^>]*\/?>\s*<button type="submit" class="primary" data-shortcut="d"/);
  });

  it('a rollback asks, naming the deployment it brings back, and says it is rolling back', async () => {
    const scope = await deps.db.selectFrom('service_instances').select(['service_id as serviceId', 'environment_id as environmentId']).executeTakeFirstOrThrow();
    const first = (await queueDeployment(deps.db, { ...scope, trigger: 'test' })).deployment;
    await deps.db.updateTable('deployments').set({ status: 'superseded', image_tag: 'spur/shop-web:1' }).where('id', '=', first.id).execute();
    const html = await page('/projects/shop/services/web/deployments?env=production');
    const form = formTo(html, '/projects/shop/services/web/rollback?env=production');
    expect(form).toContain(`data-confirm="Roll web in production back to deployment #${first.id}? Its image replaces the version serving now."`);
    expect(html).toContain(`data-busy="Rolling back to #${first.id}…"`);
  });
});

describe('long actions say what they are doing', () => {
  it('deleting a service, its project, an environment, and scaling, each name their busy words', async () => {
    await call('owner', 'POST', '/projects/shop/environments', { name: 'staging' });
    const settings = await page('/projects/shop/services/web/settings?env=production');
    expect(settings).toMatch(/data-busy="Deleting web…"[^>]*>Delete web<\/button>/);
    expect(settings).toMatch(/data-busy="Scaling web…"/);
    const project = await page('/projects/shop');
    expect(project).toMatch(/data-busy="Deleting shop…"[^>]*>Delete shop<\/button>/);
    expect(project).toMatch(/data-busy="Deleting staging…"[^>]*>Delete staging<\/button>/);
  });
});

describe('deleting a database that services reference', () => {
  beforeEach(async () => {
    const project = await deps.db.selectFrom('projects').select('id').executeTakeFirstOrThrow();
    const environment = await deps.db.selectFrom('environments').select('id').where('name', '=', 'production').executeTakeFirstOrThrow();
    await createDatabase(deps.db, deps.key, { projectId: project.id, environmentId: environment.id, name: 'pg', volumeName: 'spur_shop_pg_production_data_test', engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'pw', database: 'pg' } });
    await createDatabase(deps.db, deps.key, { projectId: project.id, environmentId: environment.id, name: 'cache', volumeName: 'spur_shop_cache_production_data_test', engine: 'redis', image: 'redis:7', credentials: { user: 'default', password: 'pw', database: '0' } });
    expect((await call('owner', 'POST', '/projects/shop/services', { name: 'api', image: 'nginx' })).status).toBe(201);
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { DATABASE_URL: '${{pg.DATABASE_URL}}', PGHOST: 'x-${{ pg.PGHOST }}' })).status).toBe(200);
    expect((await call('owner', 'PUT', '/projects/shop/services/api/variables', { DB: '${{pg.DATABASE_URL}}' })).status).toBe(200);
  });

  it('names the services and variables that use it, on the form and in the question; an unused one asks nothing more', async () => {
    const html = (await page('/projects/shop')).replace(/&#39;/g, "'");
    const warning = 'api (DB) and web (DATABASE_URL, PGHOST) reference pg: their next deploy fails until those variables change.';
    expect(formTo(html, '/projects/shop/databases/pg/delete?env=production')).toContain(`data-confirm="Delete pg? ${warning}"`);
    expect(html).toContain(`<p class="warning">${warning}</p>`);
    expect(formTo(html, '/projects/shop/databases/cache/delete?env=production')).not.toContain('data-confirm');
    // The database's own page too.
    expect((await page('/projects/shop/databases/pg?env=production')).replace(/&#39;/g, "'")).toContain(`<p class="warning">${warning}</p>`);
  });
});

describe('a new service: create and deploy, or create only', () => {
  it('the form offers "Create and deploy" first (the default button) and "Create only"', async () => {
    const html = await page('/projects/shop');
    const form = /<form\b[^>]*id="new-service"[\s\S]*?<\/form>/.exec(html)![0];
    const buttons = [...form.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)].map((m) => m[0]);
    expect(buttons).toHaveLength(2);
    expect(buttons[0]).toMatch(/name="deploy" value="on"[^>]*>Create and deploy</);
    expect(buttons[1]).toMatch(/>Create only</);
  });

  it('"Create and deploy" queues the first deployment and goes to it; "Create only" deploys nothing', async () => {
    deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as Deps['daemon'];
    const both = await post('/projects/shop/services', { name: 'api', image: 'nginx:1.27', port: '80', deploy: 'on' }, { htmx: true });
    expect(both.status).toBe(204);
    expect(requested).toHaveLength(1);
    expect(both.headers.get('HX-Redirect')).toMatch(/^\/deployments\/\d+$/);
    expect(await toastAfter(both, both.headers.get('HX-Redirect')!)).toBe('Service api created; deploying it to production');
    const only = await post('/projects/shop/services', { name: 'worker', image: 'nginx:1.27', port: '80' }, { htmx: true });
    expect(only.headers.get('HX-Redirect')).toBe('/projects/shop/services/worker');
    expect(requested).toHaveLength(1);
  });

  it('with Docker away, "Create and deploy" is refused in place and creates nothing (Create only still works)', async () => {
    const refused = await post('/projects/shop/services', { name: 'api', image: 'nginx:1.27', port: '80', deploy: 'on' }, { htmx: true });
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('Docker is not reachable (test).');
    expect((await call('owner', 'GET', '/projects/shop/services')).json.services.map((s: { name: string }) => s.name)).toEqual(['web']);
  });

  it('the API creates and deploys with deploy: true, and only creates without it', async () => {
    deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as Deps['daemon'];
    const made = await call('owner', 'POST', '/projects/shop/services', { name: 'api', image: 'nginx:1.27', deploy: true });
    expect(made.status).toBe(201);
    expect(made.json.deployment).toMatchObject({ status: 'queued', trigger: 'api:o@example.com' });
    expect(requested).toHaveLength(1);
    const only = await call('owner', 'POST', '/projects/shop/services', { name: 'worker', image: 'nginx:1.27' });
    expect(only.json.deployment).toBeUndefined();
    expect(requested).toHaveLength(1);
    // A push service has nothing to deploy until the first push: said, not failed.
    const push = await call('owner', 'POST', '/projects/shop/services', { name: 'pushed', push: true, deploy: true });
    expect(push.status).toBe(201);
    expect(push.json.deployment).toBeUndefined();
    expect(push.json.notDeployed).toBe('nothing is pushed yet: it deploys with the first git push');
  });
});
