// The pages say only true things: each role sees exactly the controls the door (MAY) lets it use.
// Every control of a page (a form's action, an htmx request, a reveal or download link) is mapped
// to the action of MAY that its route needs; the owner's page shows every one, and each other
// role's page shows exactly those its role may do — none more (a viewer sees no form that changes
// anything), none fewer (a developer still has the forms that ship code).
import { describe, expect, it } from 'vitest';
import { type Action, mayDo } from '../actions/access.js';
import { MATRIX_USERS, type MatrixUser, teamWorld } from '../../test/app-fixture.js';
import { createSession } from '../store/users.js';

const S = '/projects/shop/services/web';
const P = '/projects/shop';
const D = '/projects/shop/databases/pg';
/** Each control's route (query left off) and the action of MAY it needs; `self` is anyone's. */
const CONTROLS: [RegExp, Action | 'self'][] = [
  [/^\/logout$/, 'self'],
  [new RegExp(`^${S}/deploy$`), 'deploy'],
  [new RegExp(`^${S}/cancel$`), 'cancel'],
  [new RegExp(`^${S}/rollback$`), 'rollback'],
  [new RegExp(`^${S}/(variables|variables/import|variables/remove)$`), 'variables.change'],
  [new RegExp(`^${S}/(variables/value|variables/raw)$`), 'variables.reveal'],
  [new RegExp(`^${S}/(source|settings|settings/git|scale|credentials)$`), 'service.change'],
  [new RegExp(`^${S}/domains(/options|/remove)?$`), 'domains.change'],
  [new RegExp(`^${S}/volumes(/remove|/backup|/backup-schedule)?$`), 'volumes.change'],
  [new RegExp(`^${S}/volumes/restore$`), 'volumes.restore'],
  [new RegExp(`^${S}/delete$`), 'service.delete'],
  [new RegExp(`^${S}/logs\\.txt$`), 'logs.read'],
  [new RegExp(`^${P}/services$`), 'service.create'],
  [new RegExp(`^${P}/compose(/stack/file)?$`), 'service.create'],
  [new RegExp(`^${P}/compose/stack/deploy$`), 'deploy'],
  [new RegExp(`^${P}/compose/stack/rollback$`), 'rollback'],
  [new RegExp(`^${P}/compose/stack/delete$`), 'service.delete'],
  [new RegExp(`^${P}/environments$`), 'environment.create'],
  [new RegExp(`^${P}/environments/staging/delete$`), 'environment.delete'],
  [new RegExp(`^${P}/databases$`), 'database.create'],
  [new RegExp(`^${P}/shared-variables(/remove)?$`), 'variables.change'],
  [new RegExp(`^${P}/shared-variables/value$`), 'variables.reveal'],
  [new RegExp(`^${P}/delete$`), 'project.delete'],
  [new RegExp(`^${P}/members$`), 'members.manage'],
  [new RegExp(`^${P}/environments/production/protection$`), 'environment.protect'],
  [new RegExp(`^${P}/requests/\\d+/(approve|reject)$`), 'requests.decide'],
  [new RegExp(`^${P}/requests/\\d+/cancel$`), 'requests.cancel'],
  [new RegExp(`^${P}/audit$`), 'project-audit.read'],
  [/^\/audit$/, 'audit.read'],
  [new RegExp(`^${P}/invitations(/\\d+/revoke)?$`), 'members.manage'],
  [new RegExp(`^${P}/members/[^/]+/(role|remove)$`), 'members.manage'],
  [new RegExp(`^${P}/leave$`), 'project.leave'],
  [new RegExp(`^${D}/(policy|restart)$`), 'database.change'],
  [new RegExp(`^${D}/backups$`), 'backups.create'],
  [new RegExp(`^${D}/restore$`), 'database.restore'],
  [new RegExp(`^${D}/credentials$`), 'database.credentials'],
  [new RegExp(`^${D}/backups/\\d+/download$`), 'backups.download'],
  [new RegExp(`^${D}/delete$`), 'database.delete'],
  [new RegExp(`^(${S}|${D})/metrics$`), 'project.read'],
  [/^\/deployments\/\d+\/cancel$/, 'cancel'],
  [/^\/deployments\/\d+\/log\.txt$/, 'logs.read'],
];
/** Links that are only ways to other pages (any reader's), never controls. */
const isControlLink = (url: string) => /\/(variables\/raw|members|credentials|download|value|logs?\.txt|audit)$/.test(url);

type Control = { url: string; action: Action | 'self' | 'unknown' };
/** Every control of the page: forms and htmx requests, and the links that reveal or download. */
function controlsOf(html: string): Control[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/\s(action|hx-post|hx-get|href|data-post)="([^"]+)"/g)) {
    const url = m[2].replace(/&amp;/g, '&').split('?')[0];
    if (m[1] === 'href' && !isControlLink(url)) continue;
    found.add(url);
  }
  return [...found].sort().map((url) => ({ url, action: CONTROLS.find(([re]) => re.test(url))?.[1] ?? 'unknown' }));
}

/** The pages of one of everything, and the actions the owner's copy must offer (so no page passes by being empty). */
const PAGES: { path: string; offers: Action[] }[] = [
  { path: `${S}?env=production`, offers: ['deploy', 'cancel'] },
  { path: `${S}/deployments?env=production`, offers: ['rollback'] },
  { path: `${S}/variables?env=production`, offers: ['variables.change', 'variables.reveal'] },
  { path: `${S}/settings?env=production`, offers: ['service.change', 'domains.change', 'volumes.change', 'service.delete'] },
  { path: `${S}/logs?env=production`, offers: ['logs.read'] },
  { path: `${S}/metrics?env=production`, offers: ['project.read'] },
  { path: `${P}?env=production`, offers: ['service.create', 'environment.create', 'environment.delete', 'database.create', 'database.delete', 'variables.change', 'variables.reveal', 'project.delete', 'members.manage', 'environment.protect', 'requests.decide', 'requests.cancel', 'project-audit.read'] },
  { path: `${P}/members`, offers: ['members.manage', 'project.leave'] },
  { path: `${P}/compose/stack?env=staging`, offers: ['service.create', 'deploy', 'service.delete'] },
  { path: `${D}?env=production`, offers: ['database.change', 'backups.create', 'database.restore', 'database.credentials', 'backups.download', 'database.delete'] },
];

async function world() {
  const w = await teamWorld();
  // A superseded deployment with an image (one to roll back to) and a queued one (one to cancel).
  const d = await w.deps.db.selectFrom('deployments').select(['service_id', 'environment_id']).where('id', '=', w.ids.shop.deployment).executeTakeFirstOrThrow();
  await w.deps.db.updateTable('deployments').set({ status: 'superseded', image_tag: 'spur/shop-web:1' }).where('id', '=', w.ids.shop.deployment).execute();
  const queued = await w.deps.db.insertInto('deployments').values({ ...d, status: 'queued', trigger: 'test', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
  const page = async (who: MatrixUser, path: string) => {
    const user = await w.deps.db.selectFrom('users').select('id').where('email', '=', `${who}@example.com`).executeTakeFirstOrThrow();
    const res = await w.app.request(path, { headers: { Cookie: `spur_session=${(await createSession(w.deps.db, user.id)).token}` } });
    expect(res.status, `${who} ${path}`).toBe(200);
    return res.text();
  };
  return { ...w, page, queued: queued.id };
}

const ROLES = MATRIX_USERS.filter((u) => u !== 'outsider');
const show = (cs: Control[]) => cs.map((c) => `${c.url} (${c.action})`);

describe('each role sees exactly the controls it may use', () => {
  it('on the service tabs, the project page and the database page', async () => {
    const w = await world();
    for (const { path, offers } of [...PAGES, { path: `/deployments/${w.queued}`, offers: ['cancel', 'logs.read'] as Action[] }]) {
      const all = controlsOf(await w.page('owner', path));
      expect(show(all.filter((c) => c.action === 'unknown')), `${path}: controls missing from the table`).toEqual([]);
      expect(offers.filter((a) => !all.some((c) => c.action === a)), `${path}: the owner's page lacks`).toEqual([]);
      for (const who of ROLES) {
        const mine = controlsOf(await w.page(who, path));
        const want = all.filter((c) => c.action === 'self' || mayDo({ role: who }, c.action as Action));
        expect(show(mine), `${who} on ${path}`).toEqual(show(want));
      }
    }
  }, 60_000);

  it("a viewer reads the variables' names, masked, and the settings, with nothing to change them", async () => {
    const w = await world();
    const variables = await w.page('viewer', `${S}/variables?env=production`);
    expect(variables).toContain('<code>A</code>');
    expect(variables).toContain('••••••');
    expect(variables).not.toContain('secret-a');
    expect(variables).not.toMatch(/Reveal|Remove|Set variable|Import variables/);
    const settings = await w.page('viewer', `${S}/settings?env=production`);
    expect(settings).toContain('web.shop.example');
    expect(settings).toContain('/data');
    expect(settings).toMatch(/<fieldset disabled=""/);
    expect(settings).not.toMatch(/<button[^>]*type="submit"[^>]*>(Save|Scale|Add|Remove|Delete)/);
    const developer = await w.page('developer', `${S}/variables?env=production`);
    expect(developer).toContain('Set variable');
    expect(developer).not.toContain('Reveal');
  }, 30_000);
});

describe('the command palette offers each role only the actions it may run', () => {
  it('a viewer is offered logs but neither deploy nor rollback; a developer all three', async () => {
    const w = await world();
    for (const [who, ships] of [['viewer', false], ['developer', true], ['admin', true]] as const) {
      for (const [verb, action] of [['deploy', 'deploy'], ['rollback', 'rollback'], ['logs', 'logs']] as const) {
        const html = await w.page(who, `/palette?q=${verb}%20web`);
        const offered = html.includes(`data-post="${S}/${action}`) || (verb === 'logs' && html.includes(`data-href="${S}/logs`));
        expect(offered, `${who}: ${verb} web`).toBe(verb === 'logs' || ships);
      }
    }
  }, 30_000);
});
