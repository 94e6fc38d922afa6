// App tier: forms that forgive (issue 26, item 10). A refused setup or login keeps what was typed
// (with htmx only the error region is swapped, so no password comes back in HTML); rules show
// before a refusal and errors sit beside the fields they are about; a pasted https:// address is
// taken as its hostname; a .env paste reads multi-line values and says how many it set; and the
// owner edits all of a service's variables as one text, told what is added, changed and removed.
import { describe, expect, it } from 'vitest';
import { readVariables } from '../store/variables.js';
import { createApp } from './app.js';
import { ORIGIN, SETUP_TOKEN, makeTestDeps, shopWithWeb } from '../../test/app-fixture.js';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (extra: Record<string, string> = {}) => ({ 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, ...extra });

describe('setup and login keep what was typed', () => {
  it('a refused setup answers an htmx post with its error region alone, and a plain post with the email kept and no secret echoed', async () => {
    const deps = await makeTestDeps();
    const app = createApp(deps);
    const page = await (await app.request('/setup')).text();
    expect(page).toMatch(/<form[^>]* hx-post="\/setup" hx-target="#setup-error"/);
    const typed = { token: SETUP_TOKEN, email: 'owner@example.com', password: 'short' };
    const htmx = await app.request('/setup', { method: 'POST', headers: formHeaders({ 'HX-Request': 'true' }), body: form(typed) });
    expect(htmx.status).toBe(400);
    const fragment = await htmx.text();
    expect(fragment).toMatch(/^<div id="setup-error"[^>]*><p class="error" role="alert">password: /);
    expect(fragment).not.toContain('<form');
    const plain = await app.request('/setup', { method: 'POST', headers: formHeaders(), body: form(typed) });
    const html = await plain.text();
    expect(html).toMatch(/<input name="email" type="email"[^>]*value="owner@example.com"/);
    expect(html).not.toContain('value="short"');
    expect(html).not.toContain(SETUP_TOKEN);
    const accepted = await app.request('/setup', { method: 'POST', headers: formHeaders({ 'HX-Request': 'true' }), body: form({ ...typed, password: 'a long password' }) });
    expect(accepted.status).toBe(204);
    expect(accepted.headers.get('HX-Redirect')).toBe('/');
    expect(accepted.headers.get('set-cookie')).toMatch(/spur_session=/);
  });

  it('a refused login does the same', async () => {
    const { app } = await shopWithWeb();
    const page = await (await app.request('/login')).text();
    expect(page).toMatch(/<form[^>]* hx-post="\/login" hx-target="#login-error"/);
    const typed = { email: 'o@example.com', password: 'wrong password', next: '/' };
    const htmx = await app.request('/login', { method: 'POST', headers: formHeaders({ 'HX-Request': 'true' }), body: form(typed) });
    expect(htmx.status).toBe(401);
    expect(await htmx.text()).toBe('<div id="login-error" aria-live="assertive"><p class="error" role="alert">Wrong email or password.</p></div>');
    const plain = await (await app.request('/login', { method: 'POST', headers: formHeaders(), body: form(typed) })).text();
    expect(plain).toMatch(/<input name="email" type="email"[^>]*value="o@example.com"/);
    expect(plain).not.toContain('wrong password');
  });
});

describe('rules and errors where they belong', () => {
  it('shows the project-name rule under the field before any refusal', async () => {
    const { app, cookies } = await shopWithWeb();
    const page = await (await app.request('/', { headers: { Cookie: cookies.owner } })).text();
    expect(page).toMatch(/<input name="name"[^>]*aria-describedby="new-project-name-hint"/);
    expect(page).toMatch(/id="new-project-name-hint"[^>]*>Lowercase letters, digits and hyphens, starting with a letter; at most 20\.</);
  });

  it('puts "give one source" among the source fields, not under the name', async () => {
    const { app, cookies } = await shopWithWeb();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await app.request('/projects/shop', { headers: { Cookie: cookies.owner } })).text())![1];
    const res = await app.request('/projects/shop/services', { method: 'POST', headers: formHeaders({ Cookie: cookies.owner, 'HX-Request': 'true' }), body: form({ _csrf: csrf, name: 'api', image: 'nginx', git: 'https://203.0.113.9/a.git' }) });
    const html = await res.text();
    expect(html).toMatch(/<fieldset class="sources"><legend>Source: give one<\/legend><p class="field-error" role="alert">source: give one source/);
    expect(html.indexOf('give one source')).toBeGreaterThan(html.indexOf('name="name"'));
  });
});

describe('a pasted domain', () => {
  it('is taken as its hostname from the Settings form', async () => {
    const { app, cookies, deps } = await shopWithWeb();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await app.request('/projects/shop/services/web/settings', { headers: { Cookie: cookies.owner } })).text())![1];
    const res = await app.request('/projects/shop/services/web/domains', { method: 'POST', headers: formHeaders({ Cookie: cookies.owner }), body: form({ _csrf: csrf, hostname: 'https://Shop.Example.com/' }) });
    expect(res.status).toBe(303);
    expect((await deps.db.selectFrom('domains').select('hostname').execute()).map((d) => d.hostname)).toEqual(['shop.example.com']);
  });
});

describe('variables as text', () => {
  async function variablesForm() {
    const fixture = await shopWithWeb();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fixture.app.request('/projects/shop/services/web/variables', { headers: { Cookie: fixture.cookies.owner } })).text())![1];
    const post = (path: string, fields: Record<string, string>, who: 'owner' | 'member' = 'owner') =>
      fixture.app.request(`/projects/shop/services/web/variables${path}`, { method: 'POST', headers: formHeaders({ Cookie: fixture.cookies[who], 'HX-Request': 'true' }), body: form({ _csrf: csrf, ...fields }) });
    const values = async () => {
      const ctx = await fixture.deps.db.selectFrom('service_instances').select(['service_id', 'environment_id']).executeTakeFirstOrThrow();
      return readVariables(fixture.deps.db, fixture.deps.key, { serviceId: ctx.service_id, environmentId: ctx.environment_id });
    };
    return { ...fixture, post, values };
  }

  it('imports a multi-line value and says how many it imported', async () => {
    const { post, values } = await variablesForm();
    const res = await post('/import', { env: 'A=1\nKEY="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nB=2\nC=3\nD=4' });
    expect(res.status).toBe(204);
    expect(decodeURIComponent(res.headers.get('set-cookie') ?? '')).toMatch(/spur_toast=Imported 5 variables; they apply with the next deploy/);
    expect((await values()).KEY).toBe('-----BEGIN KEY-----\nabc\n-----END KEY-----');
  });

  it('shows what a raw edit adds, changes and removes before saving it as one change', async () => {
    const { post, values, app, cookies } = await variablesForm();
    await post('/import', { env: 'KEEP=same\nOLD=gone\nEDIT=before' });
    const editor = await (await app.request('/projects/shop/services/web/variables/raw?env=production', { headers: { Cookie: cookies.owner } })).text();
    expect(editor).toMatch(/<textarea name="env"[^>]*>EDIT=before\nKEEP=same\nOLD=gone\n<\/textarea>/);
    const text = 'KEEP=same\nEDIT=after\nNEW="multi\nline"';
    expect(editor).toMatch(/<textarea name="env"[^>]*hx-post="\/projects\/shop\/services\/web\/variables\/raw\/preview\?env=production" hx-trigger="input changed delay:400ms" hx-target="#raw-variables-diff"/);
    const preview = await post('/raw/preview?env=production', { env: text });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toBe('<p id="raw-variables-diff" class="muted" aria-live="polite">Adds NEW; changes EDIT; removes OLD.</p>');
    expect(await (await post('/raw/preview?env=production', { env: 'A="open' })).text()).toMatch(/class="field-error"[^>]*>line 1: the value&#39;s &quot; is not closed/);
    expect(await values()).toEqual({ KEEP: 'same', OLD: 'gone', EDIT: 'before' });
    const saved = await post('/raw?env=production', { env: text });
    expect(saved.status).toBe(204);
    expect(decodeURIComponent(saved.headers.get('set-cookie') ?? '')).toMatch(/spur_toast=Variables saved: 1 added, 1 changed, 1 removed; they apply with the next deploy/);
    expect(await values()).toEqual({ KEEP: 'same', EDIT: 'after', NEW: 'multi\nline' });
  });

  it('is one operation for the API (and the CLI\'s vars replace): a dry run says, a run saves', async () => {
    const { call, values } = await variablesForm();
    await call('owner', 'PUT', '/projects/shop/services/web/variables', { OLD: 'x', EDIT: 'a' });
    const path = '/projects/shop/services/web/variables/text';
    expect((await call('owner', 'GET', path)).json.env).toBe('EDIT=a\nOLD=x\n');
    const dry = await call('owner', 'PUT', path, { env: 'EDIT=b\nNEW=1', dryRun: true });
    expect(dry.json).toEqual({ added: ['NEW'], changed: ['EDIT'], removed: ['OLD'], summary: 'Adds NEW; changes EDIT; removes OLD.', applied: false });
    expect(await values()).toEqual({ OLD: 'x', EDIT: 'a' });
    expect((await call('owner', 'PUT', path, { env: 'EDIT=b\nNEW=1' })).json.applied).toBe(true);
    expect(await values()).toEqual({ EDIT: 'b', NEW: '1' });
    expect((await call('owner', 'PUT', path, { env: 'BAD-NAME=1' })).status).toBe(400);
  });

  it('is the owner\'s, who may see the values it shows', async () => {
    const { app, cookies, member, deps, call } = await variablesForm();
    const { addProjectMember } = await import('../store/access.js');
    const project = await deps.db.selectFrom('projects').selectAll().executeTakeFirstOrThrow();
    await addProjectMember(deps.db, project.id, member.id);
    expect((await app.request('/projects/shop/services/web/variables/raw?env=production', { headers: { Cookie: cookies.member } })).status).toBe(403);
    expect((await call('member', 'PUT', '/projects/shop/services/web/variables/text', { env: '' })).status).toBe(403);
    const page = await (await app.request('/projects/shop/services/web/variables?env=production', { headers: { Cookie: cookies.member } })).text();
    expect(page).not.toContain('Edit all variables as text');
  });
});
