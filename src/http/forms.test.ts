// App tier: every form answers in place — an htmx post gets its form back as a fragment, a plain
// post the whole page — with all errors beside their fields and the typed input kept; success
// leaves a toast for the next page. Live regions stream their HTML.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { nowIso } from '../store/time.js';
import { createSession, createUser } from '../store/users.js';
import { createApp } from './app.js';
import { ORIGIN, SETUP_TOKEN, makeTestDeps } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let session: { cookie: string; csrf: string };

const post = (path: string, fields: Record<string, string>, opts: { htmx?: boolean } = {}) =>
  app.request(path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: ORIGIN,
      Cookie: session.cookie,
      ...(opts.htmx ? { 'HX-Request': 'true' } : {}),
    },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
  });
const get = (path: string, cookie = session.cookie) => app.request(path, { headers: { Cookie: cookie } });

beforeEach(async () => {
  deps = await makeTestDeps();
  app = createApp(deps);
  const res = await app.request('/setup', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: new URLSearchParams({ token: SETUP_TOKEN, email: 'owner@example.com', password: 'a long password' }).toString() });
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  const page = await (await app.request('/', { headers: { Cookie: cookie } })).text();
  session = { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] };
});

async function serviceWithImage() {
  expect((await post('/projects', { name: 'shop' })).status).toBe(303);
  expect((await post('/projects/shop/services', { name: 'web', image: 'nginx:1.27', port: '80' })).status).toBe(303);
}

describe('form answers', () => {
  it('an htmx post with a bad name gets its form back alone, the error beside the field and the input kept', async () => {
    const res = await post('/projects', { name: 'Bad Name' }, { htmx: true });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html.startsWith('<form id="new-project"')).toBe(true);
    expect(html).not.toContain('<html');
    expect(html).toMatch(/<input name="name" aria-invalid="true" aria-describedby="new-project-name-error new-project-name-hint"[^>]*value="Bad Name"/);
    expect(html).toMatch(/<span class="field-error" id="new-project-name-error">project name: use lowercase letters/);
    expect(await deps.db.selectFrom('projects').selectAll().execute()).toEqual([]);
  });

  it('the Servers form asks for the host key beside a password, and shows why it is needed', async () => {
    const page = await (await get('/servers')).text();
    expect(page).toMatch(/<input name="hostKey"[^>]*placeholder="SHA256:…"/);
    const res = await post('/servers', { address: 'root@127.0.0.1', port: '1', name: '', password: 'secret', hostKey: '' }, { htmx: true });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<span class="field-error" id="add-server-hostKey-error">hostKey: a password is sent only to the server whose host key this is/);
    expect(html).not.toContain('secret');
    expect(await deps.db.selectFrom('nodes').selectAll().execute()).toEqual([]);
  });

  it('a plain post with a bad name gets the whole page, with the same form marked', async () => {
    const res = await post('/projects', { name: 'Bad Name' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('<h1>Projects</h1>');
    expect(html).toMatch(/<form id="new-project"[\s\S]*value="Bad Name"[\s\S]*project name: use lowercase/);
  });

  it('a taken name is said at the top of the form (409)', async () => {
    await post('/projects', { name: 'shop' });
    const res = await post('/projects', { name: 'shop' }, { htmx: true });
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/<p class="error" role="alert">[^<]*shop[^<]*exists/);
  });

  it('shows every error of the new-service form at once', async () => {
    await post('/projects', { name: 'shop' });
    const res = await post('/projects/shop/services', { name: 'Bad!', git: 'file:///etc/passwd', port: '99999', branch: '--upload-pack=x' }, { htmx: true });
    expect(res.status).toBe(400);
    const html = await res.text();
    for (const field of ['name', 'git', 'port', 'branch']) expect(html).toContain(`id="new-service-${field}-error"`);
    expect(html).toContain('value="file:///etc/passwd"');
    expect(await deps.db.selectFrom('services').selectAll().execute()).toEqual([]);
  });

  it('success: htmx is told where to go, and the next page says it once in a toast', async () => {
    const res = await post('/projects', { name: 'shop' }, { htmx: true });
    expect(res.status).toBe(204);
    expect(res.headers.get('HX-Redirect')).toBe('/projects/shop');
    const toast = res.headers.get('set-cookie')!.split(';')[0];
    const cookie = `${session.cookie}; ${toast}`;
    const shown = await get('/projects/shop', cookie);
    expect(await shown.text()).toContain('<div class="toast" role="status">Project shop created</div>');
    // Read once: the page that shows it clears the cookie.
    expect(shown.headers.get('set-cookie')).toMatch(/^spur_toast=; Max-Age=0; Path=\//);
  });

  it('service settings: every bad field at once, in the settings form; the git form has its own route and answers for itself', async () => {
    await serviceWithImage();
    const res = await post('/projects/shop/services/web/settings', { port: '80', cpuLimit: 'lots', healthInterval: '0', memoryLimit: '64', memoryReservation: '128' }, { htmx: true });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html.startsWith('<form id="service-settings"')).toBe(true);
    for (const field of ['cpuLimit', 'healthInterval']) expect(html).toContain(`id="service-settings-${field}-error"`);
    expect(html).toContain('value="lots"');
    const reservation = await post('/projects/shop/services/web/settings', { memoryLimit: '64', memoryReservation: '128' }, { htmx: true });
    expect(await reservation.text()).toContain('id="service-settings-memoryReservation-error"');
    const [instance] = await deps.db.selectFrom('service_instances').selectAll().execute();
    expect(instance.cpu_limit).toBeNull();
    const plain = await post('/projects/shop/services/web/settings', { cpuLimit: 'lots' });
    expect(plain.status).toBe(400);
    expect(await plain.text()).toMatch(/<!DOCTYPE html>[\s\S]*aria-current="page">Settings[\s\S]*id="service-settings-cpuLimit-error"/);
    expect((await post('/projects/shop/services', { name: 'pushed', push: 'on' })).status).toBe(303);
    const git = await post('/projects/shop/services/pushed/settings/git', { branch: 'a..b', autoDeploy: 'off' }, { htmx: true });
    const gitHtml = await git.text();
    expect(gitHtml.startsWith('<form id="git-settings"')).toBe(true);
    expect(gitHtml).toContain('id="git-settings-branch-error"');
    expect(gitHtml).toMatch(/<option value="off" selected/);
    // Without JavaScript the error lands in the git form too, not in the service settings.
    const gitPage = await (await post('/projects/shop/services/pushed/settings/git', { branch: 'a..b' })).text();
    expect(gitPage).toContain('id="git-settings-branch-error"');
    expect(gitPage).not.toContain('id="service-settings-branch-error"');
  });

  it('service settings: a pre-deploy command that needs a shell is refused beside its field; a plain one is saved, an empty one clears it', async () => {
    await serviceWithImage();
    const refused = await post('/projects/shop/services/web/settings', { releaseCommand: 'npm run migrate; curl evil' }, { htmx: true });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="service-settings-releaseCommand-error"[^>]*>pre-deploy command: uses shell syntax/);
    const stored = async () => (await deps.db.selectFrom('service_instances').select('release_command').executeTakeFirstOrThrow()).release_command;
    expect(await stored()).toBeNull();
    expect((await post('/projects/shop/services/web/settings', { releaseCommand: '  npm run "migrate db"  ' }, { htmx: true })).status).toBeLessThan(400);
    expect(await stored()).toBe('npm run "migrate db"');
    await post('/projects/shop/services/web/settings', { releaseCommand: '' }, { htmx: true });
    expect(await stored()).toBeNull();
  });

  it('typed confirmation: a wrong name keeps the project and says why beside the field', async () => {
    await post('/projects', { name: 'shop' });
    const res = await post('/projects/shop/delete', { confirm: 'shp' }, { htmx: true });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('id="delete-project-confirm-error"');
    expect((await deps.db.selectFrom('projects').selectAll().execute()).map((p) => p.name)).toEqual(['shop']);
  });
});

describe('variables', () => {
  it('imports a pasted .env file, reports every bad line, and reveals a value to the owner', async () => {
    await serviceWithImage();
    const bad = await post('/projects/shop/services/web/variables/import', { env: 'GOOD=1\nnot a pair\n2BAD=x' }, { htmx: true });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toMatch(/line 2: expected NAME=value; line 3:/);
    expect(html).toContain('GOOD=1');
    expect(await deps.db.selectFrom('variables').selectAll().execute()).toEqual([]);
    const ok = await post('/projects/shop/services/web/variables/import', { env: '# app\nGREETING="hello world"\nexport API_KEY=s3cret' }, { htmx: true });
    expect(ok.status).toBe(204);
    const tab = await (await get('/projects/shop/services/web/variables?env=production')).text();
    expect(tab).toContain('<code>API_KEY</code>');
    expect(tab).not.toContain('s3cret');
    const revealed = await (await get('/projects/shop/services/web/variables/value?env=production&key=API_KEY')).text();
    expect(revealed).toContain('<code class="wrap">s3cret</code>');
    expect(revealed).toContain('data-copy="s3cret"');
  });

  it('refuses to reveal to a member', async () => {
    await serviceWithImage();
    await post('/projects/shop/services/web/variables', { key: 'API_KEY', value: 's3cret' });
    const member = await createUser(deps.db, { email: 'm@example.com', passwordHash: null, role: 'member' });
    const [project] = await deps.db.selectFrom('projects').selectAll().execute();
    await addProjectMember(deps.db, project.id, member.id);
    const { token } = await createSession(deps.db, member.id);
    const res = await get('/projects/shop/services/web/variables/value?env=production&key=API_KEY', `spur_session=${token}`);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('s3cret');
  });

  it('says "changes pending" once what serves is older than a saved change, until a deploy is requested', async () => {
    await serviceWithImage();
    const [instance] = await deps.db.selectFrom('service_instances').selectAll().execute();
    const deployment = (status: 'active' | 'queued', at: string) => deps.db.insertInto('deployments').values({ service_id: instance.service_id, environment_id: instance.environment_id, status, trigger: 'test', created_at: at }).execute();
    const banner = async () => (await (await get('/projects/shop/services/web?env=production')).text()).includes('Changes saved but not deployed');
    await post('/projects/shop/services/web/variables', { key: 'A', value: '1' });
    expect(await banner()).toBe(false); // nothing deployed yet: Deploy is the next step anyway
    await deployment('active', nowIso());
    expect(await banner()).toBe(false);
    await new Promise((r) => setTimeout(r, 5));
    await post('/projects/shop/services/web/variables', { key: 'A', value: '2' });
    expect(await banner()).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    await deployment('queued', nowIso());
    expect(await banner()).toBe(false);
  });
});

describe('live regions', () => {
  async function firstEvents(path: string, until: RegExp): Promise<string> {
    const res = await get(path);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    return text;
  }

  it('the dashboard, project and service pages stream their regions as named events', async () => {
    await serviceWithImage();
    expect(await firstEvents('/events', /event: projects[\s\S]*\n\n/)).toMatch(/event: projects\ndata: <ul class="cards">[\s\S]*shop/);
    expect(await firstEvents('/projects/shop/events?env=production', /event: services[\s\S]*\n\n/)).toMatch(/data-service="web"/);
    const service = await firstEvents('/projects/shop/services/web/events?env=production&tab=deployments', /event: deployments[\s\S]*\n\n/);
    expect(service).toContain('event: headline');
    expect(service).toContain('No deployments yet');
  });
});

describe('every form route', () => {
  // [form id, path, refused fields, page heading the plain answer shows]
  const routes: [string, string, Record<string, string>, string][] = [
    ['new-project', '/projects', { name: '-' }, '<h1>Projects</h1>'],
    ['new-service', '/projects/shop/services', { name: 'x', image: 'nginx:1.27', git: 'https://example.com/a.git' }, '<h1>shop</h1>'],
    ['new-environment', '/projects/shop/environments', { name: 'Not OK' }, '<h1>shop</h1>'],
    ['delete-project', '/projects/shop/delete', { confirm: 'nope' }, '<h1>shop</h1>'],
    ['delete-environment-staging', '/projects/shop/environments/staging/delete', { confirm: 'nope' }, '<h1>shop</h1>'],
    ['add-key', '/keys', { key: 'not a key' }, '<h1>SSH keys</h1>'],
    ['scale', '/projects/shop/services/web/scale', { replicas: '51' }, 'aria-current="page">Settings'],
    ['service-settings', '/projects/shop/services/web/settings', { port: '0' }, 'aria-current="page">Settings'],
    ['delete-service', '/projects/shop/services/web/delete', { confirm: 'nope' }, 'aria-current="page">Settings'],
    ['set-variable', '/projects/shop/services/web/variables', { key: '1X', value: 'v' }, 'aria-current="page">Variables'],
    ['import-variables', '/projects/shop/services/web/variables/import', { env: 'nope' }, 'aria-current="page">Variables'],
    ['add-volume', '/projects/shop/services/web/volumes', { name: 'data', mountPath: '/etc' }, 'aria-current="page">Settings'],
    ['new-database', '/projects/shop/databases', { name: 'pg', engine: 'oracle' }, '<h1>shop</h1>'],
    ['instance-settings', '/settings', { domain: '*.example.com' }, '<h1>Settings</h1>'],
  ];

  it.each(routes)('%s: htmx gets the form alone, a plain post the whole page, both marked', async (id, path, fields, heading) => {
    await serviceWithImage();
    await post('/projects/shop/environments', { name: 'staging' });
    const fragment = await post(path, fields, { htmx: true });
    expect(fragment.status).toBeGreaterThanOrEqual(400);
    const html = await fragment.text();
    expect(html.startsWith(`<form id="${id}"`)).toBe(true);
    expect(html).toMatch(/class="(field-error|error)"/);
    const page = await post(path, fields);
    expect(page.status).toBe(fragment.status);
    const full = await page.text();
    expect(full).toContain('<!DOCTYPE html>');
    expect(full).toContain(heading);
    expect(full).toContain(`<form id="${id}"`);
    expect(full).toMatch(/class="(field-error|error)"/);
  });

  it('the deployment page offers Cancel only while the deployment may be stopped', async () => {
    await serviceWithImage();
    const [instance] = await deps.db.selectFrom('service_instances').selectAll().execute();
    const add = async (status: 'queued' | 'active') => (await deps.db.insertInto('deployments').values({ service_id: instance.service_id, environment_id: instance.environment_id, status, trigger: 'test', created_at: nowIso() }).returning('id').executeTakeFirstOrThrow()).id;
    const active = await (await get(`/deployments/${await add('active')}`)).text();
    expect(active).toMatch(/<div id="deployment-actions"[^>]*><\/div>/);
    const queued = await (await get(`/deployments/${await add('queued')}`)).text();
    expect(queued).toContain('Cancel deployment');
  });
});

describe('updating Spur from the UI', () => {
  it('offers a newer release to owners only; starting it where spur.service is not installed is refused in place', async () => {
    expect(await (await get('/')).text()).not.toContain('id="update-spur"');
    (deps.updates as { available?: { version: string; commit: string } }).available = { version: '9.9.9', commit: 'abc' };
    const page = await (await get('/')).text();
    expect(page).toContain('Spur 9.9.9 is available');
    expect(page).toContain('<button type="submit">Update to 9.9.9</button>');

    const refused = await post('/update', {}, { htmx: true });
    expect(refused.status).toBe(409);
    const fragment = await refused.text();
    expect(fragment).toMatch(/^<form id="update-spur"/);
    expect(fragment).toContain('updates from the UI need the spur.service unit install.sh writes');

    const member = await createUser(deps.db, { email: 'dev@example.com', passwordHash: null, role: 'member' });
    const memberCookie = `spur_session=${(await createSession(deps.db, member!.id)).token}`;
    expect(await (await get('/', memberCookie)).text()).not.toContain('update-spur');
  });
});
