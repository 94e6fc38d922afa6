// Compose apps through the API, with a stand-in deployer that ends each deployment as told (the
// real one is driven end to end in test/compose.test.ts): saving a file makes or updates the
// services' records in one transaction or not at all; a group deployment deploys only what
// changed, in depends_on order; a failed member sends the others back; a rollback returns every
// member to one earlier group deployment.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { ORIGIN, apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';
import { createSession } from '../store/users.js';
import { setProjectMember } from '../store/access.js';

const FILE = (webVersion: string, workerVersion = '1') => `
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    environment:
      VERSION: "${webVersion}"
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db:5432/app
    depends_on: { db: { condition: service_healthy } }
    healthcheck: { test: ["CMD", "true"], interval: 2s }
  worker:
    image: nginx:1.27
    command: ["sleep", "infinity"]
    environment: { VERSION: "${workerVersion}" }
    depends_on: [db]
  db:
    image: postgres:17
    environment: { POSTGRES_PASSWORD: "\${DB_PASSWORD}" }
    volumes: ["db_data:/var/lib/postgresql/data"]
    healthcheck: { test: pg_isready, interval: 2s }
volumes: { db_data: }
`;

async function world(opts: { failing?: Set<string> } = {}) {
  const { deps, app } = await makeTestApp();
  const { tokens, owner, member } = await ownerAndMember(deps);
  const cookie = `spur_session=${(await createSession(deps.db, owner.id)).token}`;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await app.request('/', { headers: { Cookie: cookie } })).text())![1];
  const get = async (path: string) => (await app.request(path, { headers: { Cookie: cookie } })).text();
  const post = (path: string, fields: Record<string, string>, htmx = false) =>
    app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: cookie, ...(htmx ? { 'HX-Request': 'true' } : {}) }, body: new URLSearchParams({ _csrf: csrf!, ...fields }).toString() });
  const call = apiAs(app, tokens);
  expect((await call('owner', 'POST', '/projects', { name: 'shop' })).status).toBe(201);
  const asked: string[] = [];
  const failing = opts.failing ?? new Set<string>();
  const nameOf = async (serviceId: number) => (await deps.db.selectFrom('services').select('name').where('id', '=', serviceId).executeTakeFirstOrThrow()).name;
  // Each deployment ends a moment later: active (superseding what served), or failed for a name in `failing`.
  const finish = async (scope: { serviceId: number; environmentId: number }, extra: { source_deployment_id?: number }) => {
    const name = await nameOf(scope.serviceId);
    const d = await deps.db.insertInto('deployments').values({ service_id: scope.serviceId, environment_id: scope.environmentId, status: 'queued', trigger: 'test', created_at: new Date().toISOString(), image_tag: 'nginx:1.27', ...extra }).returningAll().executeTakeFirstOrThrow();
    asked.push(`${extra.source_deployment_id ? 'rollback' : 'deploy'} ${name}${extra.source_deployment_id ? ` to #${extra.source_deployment_id}` : ''}`);
    setTimeout(async () => {
      if (failing.has(name) && !extra.source_deployment_id) return void (await deps.db.updateTable('deployments').set({ status: 'failed', failure_reason: `${name} crashed` }).where('id', '=', d.id).execute());
      await deps.db.updateTable('deployments').set({ status: 'superseded' }).where('service_id', '=', scope.serviceId).where('environment_id', '=', scope.environmentId).where('status', '=', 'active').execute();
      await deps.db.updateTable('deployments').set({ status: 'active' }).where('id', '=', d.id).execute();
    }, 50);
    return d;
  };
  deps.deployer = { ...deps.deployer, request: (r: { serviceId: number; environmentId: number }) => finish(r, {}), rollback: (scope: { serviceId: number; environmentId: number }, _by: unknown, id: number) => finish(scope, { source_deployment_id: id }) } as unknown as Deps['deployer'];
  (deps as { daemon: Deps['daemon'] }).daemon = { state: { reachable: true, swarm: true, problem: null }, ready: true } as unknown as Deps['daemon'];
  const waitForGroup = async (id: number) => {
    for (let i = 0; i < 100; i++) {
      const { json } = await call('owner', 'GET', `/projects/shop/compose/app/deployments/${id}`);
      if (json.deployment.status !== 'deploying') return json.deployment;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`group deployment ${id} never ended`);
  };
  const counts = async () => (await sql<{ t: string }>`select (select count(*) from services) || '/' || (select count(*) from variables) || '/' || (select count(*) from volumes) || '/' || (select count(*) from compose_apps) || '/' || (select group_concat(image) from services) as t`.execute(deps.db)).rows[0].t;
  /** `member` joins shop with a role; shop's production is protected, as every project's is. */
  const join = async (role: 'developer' | 'viewer') => {
    const shop = await deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await setProjectMember(deps.db, shop.id, member.id, role);
  };
  return { deps, call, asked, failing, waitForGroup, counts, get, post, join };
}

describe('Compose apps over the API', () => {
  it('saves a file as services with their settings, variables and volumes, saying what Spur reads differently', async () => {
    const w = await world();
    const saved = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=s3cret\n' });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(saved.json.app).toMatchObject({ name: 'app', services: ['db', 'web', 'worker'] });
    expect(saved.json.notes).toEqual(["line 5: services.web.ports.0: the host port 8080 is not published: Spur routes the container port 80 under the service's domain"]);
    const worker = (await w.call('owner', 'GET', '/projects/shop/services/worker')).json;
    expect(worker.settings).toMatchObject({ container: { command: 'sleep infinity' }, healthCheck: { type: 'none' } });
    const web = (await w.call('owner', 'GET', '/projects/shop/services/web')).json;
    expect(web.settings).toMatchObject({ port: 80, healthCheck: { type: 'command', command: 'true', interval: 2 } });
    // Sealed like any variable: the owner reveals them.
    expect((await w.call('owner', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables).toEqual({ VERSION: '1', DATABASE_URL: 'postgres://app:s3cret@db:5432/app' });
    expect((await w.call('owner', 'GET', '/projects/shop/services/db/volumes')).json.volumes).toMatchObject([{ name: 'db-data', mountPath: '/var/lib/postgresql/data' }]);
  });

  it('refuses a file Spur does not run with every problem and its line, changing nothing', async () => {
    const w = await world();
    const before = await w.counts();
    const bad = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    network_mode: host\n    volumes: ["/:/host"]\n' });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([
      { line: 4, path: 'services.web.privileged', message: expect.stringMatching(/^privileged reaches into the host/) },
      { line: 5, path: 'services.web.network_mode', message: expect.stringMatching(/^network_mode reaches into the host/) },
      { line: 6, path: 'services.web.volumes', message: '/ is a path on the host: Spur mounts named volumes only, never the server\'s files' },
    ]);
    expect(bad.json.error).toMatch(/^the Compose file is refused: line 4: services.web.privileged: privileged reaches into the host/);
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: `services:\n  web: { image: nginx }\n# ${'x'.repeat(300 * 1024)}` })).json.error).toBe('file: must be at most 256 KiB');
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: 'services:\n  web:\n    image: nginx\n    environment: { KEY: "${KEY:?set KEY in .env}" }\n' })).json.problems).toEqual([{ line: 4, path: 'services.web.environment.KEY', message: 'required variable KEY is missing a value: set KEY in .env' }]);
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/Bad_Name', { file: FILE('1') })).status).toBe(400);
    expect(await w.counts()).toBe(before);
  });

  it('refuses, whole, a file naming a service the project has outside the app', async () => {
    const w = await world();
    expect((await w.call('owner', 'POST', '/projects/shop/services', { name: 'worker', image: 'busybox:1.37' })).status).toBe(201);
    const before = await w.counts();
    const clash = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x' });
    expect(clash).toMatchObject({ status: 409, json: { error: 'shop already has a service named worker outside this Compose app; rename one of them' } });
    // db and web, made before worker was reached, went with the transaction.
    expect(await w.counts()).toBe(before);
  });

  it('deploys in depends_on order, then only what changed; a rollback returns every service to one earlier group deployment', async () => {
    const w = await world();
    const first = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x', deploy: true });
    expect(first.status).toBe(202);
    const g1 = await w.waitForGroup(first.json.deployment.id);
    expect(g1.status).toBe('active');
    expect(w.asked.slice(0, 1)).toEqual(['deploy db']);
    expect(w.asked.slice(1).sort()).toEqual(['deploy web', 'deploy worker']);
    w.asked.length = 0;

    const second = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('2'), env: 'DB_PASSWORD=x', deploy: true });
    const g2 = await w.waitForGroup(second.json.deployment.id);
    expect(g2.status).toBe('active');
    expect(w.asked).toEqual(['deploy web']);
    expect(g2.members).toMatchObject([{ service: 'db', changed: false, status: 'active' }, { service: 'web', changed: true, status: 'active' }, { service: 'worker', changed: false, status: 'active' }]);
    w.asked.length = 0;

    const back = await w.call('owner', 'POST', '/projects/shop/compose/app/rollback', {});
    expect(back.status, JSON.stringify(back.json)).toBe(202);
    const g3 = await w.waitForGroup(back.json.deployment.id);
    expect(g3).toMatchObject({ status: 'active', rollbackOf: g1.id });
    const webBefore = g1.members.find((m: { service: string }) => m.service === 'web').deployment;
    expect(w.asked).toEqual([`rollback web to #${webBefore}`]);
    // The app's file is the one it returned to: its variables too.
    expect((await w.call('owner', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables.VERSION).toBe('1');
    const shown = (await w.call('owner', 'GET', '/projects/shop/compose/app')).json;
    expect(shown.deployments.map((d: { status: string }) => d.status)).toEqual(['active', 'superseded', 'superseded']);
  });

  it('sends the services it moved back when one of them fails, and says which failed', async () => {
    const w = await world();
    const first = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x', deploy: true });
    const g1 = await w.waitForGroup(first.json.deployment.id);
    w.asked.length = 0;
    w.failing.add('worker');
    const second = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('2', '2'), env: 'DB_PASSWORD=x', deploy: true });
    const g2 = await w.waitForGroup(second.json.deployment.id);
    const webBefore = g1.members.find((m: { service: string }) => m.service === 'web').deployment;
    expect(g2.status).toBe('failed');
    expect(g2.failureReason).toMatch(new RegExp(`^worker: deployment #\\d+ failed \\(worker crashed\\)\\. Rolled back: web back on #${webBefore}$`));
    expect(w.asked.sort()).toEqual(['deploy web', 'deploy worker', `rollback web to #${webBefore}`].sort());
    // What serves is the first group's: its group deployment still serves.
    expect((await w.call('owner', 'GET', '/projects/shop/compose/app')).json.deployments.map((d: { status: string }) => d.status)).toEqual(['failed', 'active']);
  });

  it('takes one group deployment of an app at a time (two asked at once: one is refused)', async () => {
    const w = await world();
    await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x' });
    const answers = await Promise.all([1, 2, 3].map(() => w.call('owner', 'POST', '/projects/shop/compose/app/deploy', {})));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    expect(answers.find((a) => a.status === 409)!.json.error).toBe('app is being deployed in production; wait for it to end');
    await w.waitForGroup(answers.find((a) => a.status === 202)!.json.deployment.id);
  });
});

describe('Compose apps in the web UI', () => {
  it('adds an app from the project page, shows what refused it in place, and deploys, redeploys and rolls it back from its page', async () => {
    const w = await world();
    expect(await w.get('/projects/shop')).toContain('New Compose app');
    const before = await w.counts();
    const refused = await w.post('/projects/shop/compose', { name: 'app', file: 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n', env: '' }, true);
    expect(refused.status).toBe(400);
    const fragment = await refused.text();
    expect(fragment).toContain('refused: line 4: services.web.privileged: privileged reaches into the host');
    expect(fragment).toMatch(/<textarea name="file"[^>]*>services:\n  web:\n    image: nginx:1.27\n    privileged: true\n<\/textarea>/);
    expect(await w.counts()).toBe(before);

    const added = await w.post('/projects/shop/compose', { name: 'app', file: FILE('1'), env: 'DB_PASSWORD=x', deploy: 'on' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/projects/shop/compose/app?env=production');
    let page = await w.get('/projects/shop/compose/app?env=production');
    expect(page).toContain('href="/projects/shop/services/web?env=production"');
    expect(page).toMatch(/Deploy app<\/button>/);
    // An admin sees the saved file (it may hold passwords): the .env is in it.
    expect(page).toContain('DB_PASSWORD=x</textarea>');
    const first = (await w.call('owner', 'GET', '/projects/shop/compose/app')).json.deployments[0].id;
    await w.waitForGroup(first);

    expect((await w.post('/projects/shop/compose/app/file?env=production', { file: FILE('2'), env: 'DB_PASSWORD=x', deploy: 'on' })).status).toBe(303);
    await w.waitForGroup((await w.call('owner', 'GET', '/projects/shop/compose/app')).json.deployments[0].id);
    page = await w.get('/projects/shop/compose/app?env=production');
    expect(page).toContain(`Roll back to #${first}</button>`);
    expect(await w.get('/projects/shop')).toContain('href="/projects/shop/compose/app?env=production"');

    const back = await w.post('/projects/shop/compose/app/rollback?env=production', { to: String(first) });
    expect(back.status).toBe(303);
    const group = await w.waitForGroup((await w.call('owner', 'GET', '/projects/shop/compose/app')).json.deployments[0].id);
    expect(group).toMatchObject({ status: 'active', rollbackOf: first });
    expect(await w.get('/projects/shop/compose/app/deployments?env=production')).toContain(`(back to #${first})`);
    // A deletion mistyped answers with its own form in place, not a whole page inside the page.
    const mistyped = await w.post('/projects/shop/compose/app/delete', { confirm: 'ap' }, true);
    expect(mistyped.status).toBe(400);
    expect(await mistyped.text()).toMatch(/^<form id="delete-compose-app"[\s\S]*type the name \(app\) to confirm/);
  });
});

// What an attacking review found (each failed before its fix).
describe('Compose apps give no role more than it has', () => {
  const STAGED = (version: string) => FILE(version);

  it("a developer's save in protected production is refused, changing nothing (variables there wait for an admin)", async () => {
    const w = await world();
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x' })).status).toBe(200);
    await w.join('developer');
    const before = await w.counts();
    const vars = async () => (await w.call('owner', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables;
    const was = await vars();
    expect(await w.call('member', 'PUT', '/projects/shop/compose/app', { file: FILE('PROTECTED-BYPASS') })).toMatchObject({ status: 403, json: { error: 'production is protected: only an admin may change a Compose app there' } });
    expect(await vars()).toEqual(was);
    expect(await w.counts()).toBe(before);
    // In an unprotected environment, a developer may.
    expect((await w.call('owner', 'POST', '/projects/shop/environments', { name: 'staging' })).status).toBe(201);
    expect((await w.call('member', 'PUT', '/projects/shop/compose/app', { file: STAGED('2'), environment: 'staging' })).status).toBe(403); // it adds db's volume in staging: an admin's
  });

  it("a command that holds a password is shown to whoever may read variables' values, not to a viewer or in the deploy log", async () => {
    const w = await world();
    const file = 'services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass ${REDIS_PASSWORD}\n    healthcheck: { test: "redis-cli -a ${REDIS_PASSWORD} ping" }\n';
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file, env: 'REDIS_PASSWORD=Sup3rSecret' })).status).toBe(200);
    expect((await w.call('owner', 'GET', '/projects/shop/services/cache')).json.settings.container.command).toBe('redis-server --requirepass Sup3rSecret');
    await w.join('viewer');
    const seen = (await w.call('member', 'GET', '/projects/shop/services/cache')).json;
    expect(JSON.stringify(seen)).not.toContain('Sup3rSecret');
    expect(seen.settings).toMatchObject({ commandsHidden: true, container: { command: null }, healthCheck: { command: null } });
  });

  it('a rollback by a developer adds no volume an admin removed, and makes no service deleted since', async () => {
    const w = await world();
    expect((await w.call('owner', 'POST', '/projects/shop/environments', { name: 'staging' })).status).toBe(201);
    const first = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x', environment: 'staging', deploy: true });
    await w.waitForGroup(first.json.deployment.id);
    const second = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('2'), environment: 'staging', deploy: true });
    await w.waitForGroup(second.json.deployment.id);
    expect((await w.call('owner', 'DELETE', '/projects/shop/services/db/volumes/db-data?env=staging')).status).toBe(200);
    await w.join('developer');
    const back = await w.call('member', 'POST', '/projects/shop/compose/app/rollback', { environment: 'staging' });
    expect(back).toMatchObject({ status: 403, json: { error: 'only an admin may add or remove volumes' } });
    expect((await w.call('owner', 'GET', '/projects/shop/services/db/volumes?env=staging')).json.volumes).toEqual([]);
  });

  it('a developer moves no volume to another path', async () => {
    const w = await world();
    expect((await w.call('owner', 'POST', '/projects/shop/environments', { name: 'staging' })).status).toBe(201);
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x', environment: 'staging' })).status).toBe(200);
    await w.join('developer');
    const moved = await w.call('member', 'PUT', '/projects/shop/compose/app', { file: FILE('1').replace('db_data:/var/lib/postgresql/data', 'db_data:/srv/elsewhere'), environment: 'staging' });
    expect(moved.status).toBe(403);
    expect((await w.call('owner', 'GET', '/projects/shop/services/db/volumes?env=staging')).json.volumes).toMatchObject([{ name: 'db-data', mountPath: '/var/lib/postgresql/data' }]);
  });

  it('a file saved again without its .env keeps the saved one (its passwords); an empty one clears it', async () => {
    const w = await world();
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=generated-once' })).status).toBe(200);
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('2') })).status).toBe(200);
    const pw = async () => (await w.call('owner', 'GET', '/projects/shop/services/db/variables?reveal=1')).json.variables.POSTGRES_PASSWORD;
    expect(await pw()).toBe('generated-once');
    expect((await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('2'), env: '' })).status).toBe(200);
    expect(await pw()).toBe('');
    // Adding an app under a name taken is refused, not a replacement.
    expect(await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('3'), create: true })).toMatchObject({ status: 409, json: { error: 'shop already has a Compose app named app: change it from its page' } });
  });

  it('a file saved while the app deploys is refused, changing nothing', async () => {
    const w = await world();
    const started = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('1'), env: 'DB_PASSWORD=x', deploy: true });
    const before = (await w.call('owner', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables;
    const during = await w.call('owner', 'PUT', '/projects/shop/compose/app', { file: FILE('RACE') });
    expect(during).toMatchObject({ status: 409, json: { error: 'app is being deployed in production; wait for it to end' } });
    expect((await w.call('owner', 'GET', '/projects/shop/services/web/variables?reveal=1')).json.variables).toEqual(before);
    await w.waitForGroup(started.json.deployment.id);
  });
});
