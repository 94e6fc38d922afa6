// Templates through the API and the pages, with Docker away (deploys are driven end to end in
// test/templates.test.ts): the catalogue reads and searches; deploying one makes a Compose app
// whose secrets are generated per deploy and sealed, whose settings take their defaults or what is
// given, and whose address is the generated domain of its routed service; bad settings and a
// second deploy under the same name change nothing.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';
import { createSession } from '../store/users.js';

async function world() {
  const { deps, app } = await makeTestApp();
  const { tokens, owner } = await ownerAndMember(deps);
  const call = apiAs(app, tokens);
  for (const name of ['shop', 'blog']) expect((await call('owner', 'POST', '/projects', { name })).status).toBe(201);
  const cookie = `spur_session=${(await createSession(deps.db, owner.id)).token}`;
  const page = async (path: string, htmx = false) => (await app.request(path, { headers: { Cookie: cookie, ...(htmx ? { 'HX-Request': 'true' } : {}) } })).text();
  const counts = async () => (await sql<{ t: string }>`select (select count(*) from services) || '/' || (select count(*) from variables) || '/' || (select count(*) from compose_apps) as t`.execute(deps.db)).rows[0].t;
  return { deps, call, page, counts };
}

describe('templates', () => {
  it('lists and searches the catalogue, and shows one with what it makes', async () => {
    const w = await world();
    const all = (await w.call('owner', 'GET', '/templates')).json.templates;
    expect(all.length).toBeGreaterThanOrEqual(25);
    expect((await w.call('owner', 'GET', '/templates?q=analytics')).json.templates.map((t: { id: string }) => t.id).sort()).toEqual(['metabase', 'plausible', 'umami']);
    const { template } = (await w.call('owner', 'GET', '/templates/wordpress')).json;
    expect(template).toMatchObject({ id: 'wordpress', domainService: 'wordpress', secrets: ['DB_PASSWORD', 'DB_ROOT_PASSWORD'] });
    expect(template.services.map((s: { name: string; image: string }) => `${s.name} ${s.image}`)).toEqual(['wordpress wordpress:6.7.1-apache', 'wordpress-db mariadb:11.4.4']);
    expect((await w.call('owner', 'GET', '/templates/nope')).status).toBe(404);
  });

  it('deploys one as a Compose app: secrets fresh for each deploy and sealed, settings given or defaulted, its address the generated domain', async () => {
    const w = await world();
    const made = await w.call('owner', 'POST', '/projects/shop/templates/vaultwarden', { deploy: false, settings: { SIGNUPS_ALLOWED: 'false' } });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    expect(made.json).toMatchObject({ app: { name: 'vaultwarden', services: ['vaultwarden'] }, url: 'http://vaultwarden-shop.spur.test', deployment: null });
    const vars = (await w.call('owner', 'GET', '/projects/shop/services/vaultwarden/variables?reveal=1')).json.variables;
    expect(vars).toMatchObject({ DOMAIN: 'http://vaultwarden-shop.spur.test', SIGNUPS_ALLOWED: 'false' });
    expect(vars.ADMIN_TOKEN).toMatch(/^[A-Za-z0-9]{48}$/);
    // Sealed at rest: the token is in no row in clear.
    const rows = await w.deps.db.selectFrom('variables').select('value_sealed').execute();
    expect(rows.some((r) => r.value_sealed.includes(vars.ADMIN_TOKEN))).toBe(false);
    const app = await w.deps.db.selectFrom('compose_apps').selectAll().executeTakeFirstOrThrow();
    expect(`${app.file_sealed}${app.dotenv_sealed}`).not.toContain(vars.ADMIN_TOKEN);

    expect((await w.call('owner', 'POST', '/projects/blog/templates/vaultwarden', { deploy: false })).status).toBe(201);
    const other = (await w.call('owner', 'GET', '/projects/blog/services/vaultwarden/variables?reveal=1')).json.variables;
    expect(other.ADMIN_TOKEN).not.toBe(vars.ADMIN_TOKEN);
    expect(other.SIGNUPS_ALLOWED).toBe('true');
  });

  it('refuses settings it does not have, values on more than one line, and a second app of the same name, changing nothing', async () => {
    const w = await world();
    expect((await w.call('owner', 'POST', '/projects/shop/templates/grafana', { deploy: false })).status).toBe(201);
    const before = await w.counts();
    expect(await w.call('owner', 'POST', '/projects/shop/templates/grafana', { deploy: false })).toMatchObject({ status: 409, json: { error: 'shop already has an app named grafana: change it from its page, or deploy the template under another --name' } });
    expect(await w.call('owner', 'POST', '/projects/shop/templates/grafana', { deploy: false, name: 'grafana-2' })).toMatchObject({ status: 409, json: { error: 'shop already has a service named grafana; deploy Grafana into another project' } });
    expect(await w.call('owner', 'POST', '/projects/blog/templates/grafana', { deploy: false, settings: { ROOT: 'x' } })).toMatchObject({ status: 400, json: { error: 'settings: Grafana has no setting ROOT; it has ADMIN_USER' } });
    expect((await w.call('owner', 'POST', '/projects/blog/templates/grafana', { deploy: false, settings: { ADMIN_USER: 'a\nGF_EVIL=1' } })).status).toBe(400);
    expect((await w.call('owner', 'POST', '/projects/blog/templates/grafana', { deploy: false, name: 'Bad Name' })).status).toBe(400);
    expect(await w.counts()).toBe(before);
  });

  it('a value with $ in it is kept as given, never read as a reference', async () => {
    const w = await world();
    expect((await w.call('owner', 'POST', '/projects/shop/templates/grafana', { deploy: false, settings: { ADMIN_USER: 'me$HOME${ADMIN_PASSWORD}' } })).status).toBe(201);
    expect((await w.call('owner', 'GET', '/projects/shop/services/grafana/variables?reveal=1')).json.variables.GF_SECURITY_ADMIN_USER).toBe('me$HOME${ADMIN_PASSWORD}');
  });

  it('has a searchable page, answering a search in place, and a page per app with its deploy form', async () => {
    const w = await world();
    const catalogue = await w.page('/templates');
    expect(catalogue).toContain('href="/templates/uptime-kuma"');
    expect(catalogue).toMatch(/<input type="search" name="q"[^>]*hx-get="\/templates"/);
    const found = await w.page('/templates?q=password%20manager', true);
    expect(found).toMatch(/^<div id="template-list">/);
    expect(found).toContain('1 of the catalogue match “password manager”');
    expect(found).toContain('href="/templates/vaultwarden"');
    const one = await w.page('/templates/vaultwarden');
    expect(one).toContain('<option value="shop">shop</option>');
    expect(one).toContain('Generated when it is deployed, sealed like every variable: ADMIN_TOKEN.');
    expect(one).toMatch(/name="setting_SIGNUPS_ALLOWED"[^>]*value="true"/);
  });
});
