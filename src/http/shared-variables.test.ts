// App tier: a project environment's shared variables — set, masked, revealed by the owner alone,
// checked like a service's (syntax, cycles), referenced as ${{shared.NAME}}; and the Variables
// tab saying what each reference names and whether it resolves. No Docker needed.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { createSession } from '../store/users.js';
import type { createApp } from './app.js';
import { apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let ownerCookie = '';

let call: ReturnType<typeof apiAs>;

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  const { owner, member, tokens } = await ownerAndMember(deps);
  call = apiAs(app, tokens);
  ownerCookie = `spur_session=${(await createSession(deps.db, owner.id)).token}`;
  expect((await call('owner', 'POST', '/projects', { name: 'shop' })).status).toBe(201);
  await addProjectMember(deps.db, (await deps.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id, member.id);
  expect((await call('owner', 'POST', '/projects/shop/services', { name: 'web', image: 'nginx' })).status).toBe(201);
  // The member's changes apply at once here: production unprotected (approvals.test.ts tests protection).
  await deps.db.updateTable('environments').set({ protected: 0 }).execute();
});

describe('shared variables', () => {
  it('are set and listed masked; the owner alone sees the values', async () => {
    const set = await call('member', 'PUT', '/projects/shop/shared-variables', { variables: { GREETING: 'hello', API_KEY: 'k-123456789' } });
    expect(set.json.variables).toEqual({ API_KEY: '••••••', GREETING: '••••••' });
    expect((await call('member', 'GET', '/projects/shop/shared-variables?reveal=1')).status).toBe(403);
    expect((await call('owner', 'GET', '/projects/shop/shared-variables?reveal=1')).json.variables).toEqual({ API_KEY: 'k-123456789', GREETING: 'hello' });
    expect((await call('owner', 'DELETE', '/projects/shop/shared-variables/GREETING')).json.variables).toEqual({ API_KEY: '••••••' });
    expect((await call('owner', 'DELETE', '/projects/shop/shared-variables/GREETING')).status).toBe(404);
    // Each environment has its own.
    expect((await call('owner', 'GET', '/projects/shop/shared-variables?env=nosuch')).status).toBe(404);
  });

  it('refuses bad names, malformed references and cycles through a service, changing nothing', async () => {
    expect((await call('owner', 'PUT', '/projects/shop/shared-variables', { 'BAD-NAME': 'x' })).status).toBe(400);
    expect((await call('owner', 'PUT', '/projects/shop/shared-variables', { A: '${{ web.X; rm -rf / }}' })).json.error).toMatch(/is not a reference/);
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { X: '${{shared.A}}' })).status).toBe(200);
    const cycle = await call('owner', 'PUT', '/projects/shop/shared-variables', { A: '${{web.X}}' });
    expect(cycle.status).toBe(400);
    expect(cycle.json.error).toBe('the references form a cycle: shared.A → web.X → shared.A');
    expect((await call('owner', 'GET', '/projects/shop/shared-variables')).json.variables).toEqual({});
  });

  it('"shared" cannot name a service or a database', async () => {
    expect((await call('owner', 'POST', '/projects/shop/services', { name: 'shared', image: 'nginx' })).json.error).toMatch(/"shared" names the environment's shared variables/);
    expect((await call('owner', 'POST', '/projects/shop/databases', { name: 'shared', engine: 'postgres' })).json.error).toMatch(/"shared" names/);
  });

  it("the Variables tab says what a reference names and whether it resolves, its value masked", async () => {
    await call('owner', 'PUT', '/projects/shop/shared-variables', { GREETING: 'hello-secret' });
    await call('owner', 'PUT', '/projects/shop/services/web/variables', { HELLO: '${{shared.GREETING}}', DB: '${{pg.DATABASE_URL}}' });
    const html = await (await app.request('/projects/shop/services/web/variables', { headers: { Cookie: ownerCookie } })).text();
    expect(html).toMatch(/references <code>\$\{\{shared\.GREETING\}\}<\/code><\/span> <span class="badge badge-active">resolves<\/span>/);
    expect(html).toContain('${{pg.DATABASE_URL}}: there is no service or database named pg in this environment');
    expect(html).not.toContain('hello-secret');
  });
});
