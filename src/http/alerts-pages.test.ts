// App tier: the alerts pages — the installation's (an owner's Settings tab) and a project's (its
// members read it; its admins change it): open alerts and the history with what was sent where, the
// channels added from each kind's own fields (a refused one shown beside its field, a secret never
// typed back), the rules turned off and on, and threshold rules added and removed.
import { beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN, shopWithWeb } from '../../test/app-fixture.js';
import { setProjectMember } from '../store/access.js';
import { applyAlertChanges, recordNotifications } from '../store/alerts.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
beforeEach(async () => {
  t = await shopWithWeb();
});

const get = async (who: 'owner' | 'member', path: string) => {
  const res = await t.app.request(path, { headers: { Cookie: t.cookies[who] } });
  return { status: res.status, html: await res.text() };
};
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const post = async (who: 'owner' | 'member', path: string, fields: Record<string, string>) => {
  const csrf = csrfOf((await get(who, path.startsWith('/projects/') ? '/projects/shop/alerts' : '/alerts')).html);
  const res = await t.app.request(path, { method: 'POST', headers: { Origin: ORIGIN, Cookie: t.cookies[who], 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
};
const shopId = async () => (await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow()).id;

describe('the alerts pages', () => {
  it("show a project's open alerts and history to its members, with where each was sent; the changes to its admins only", async () => {
    const projectId = await shopId();
    const opened = await applyAlertChanges(t.deps.db, [
      { open: { key: 'memory:spur_shop_web_production', rule: 'memory', project_id: projectId, title: 'web (shop, production) uses 95% of its memory limit', text: '486 of 512 MiB', link: '/projects/shop/services/web', since: 1_800_000_000, firing: 1, sent_at: 1_800_000_000, clear_since: null, fired_at: 1_800_000_000 } },
      { open: { key: 'rule-9:spur_shop_web_production', rule: 'rule-9', project_id: projectId, title: 'web (shop, production): p95 900 ms (slow)', text: 'Rule slow', link: null, since: 1_700_000_000, firing: 1, sent_at: 1_700_000_000, clear_since: null, fired_at: 1_700_000_000 } },
    ]);
    await applyAlertChanges(t.deps.db, [{ id: opened.get('rule-9:spur_shop_web_production')!, set: { resolved_at: 1_700_000_600 } }]);
    await recordNotifications(t.deps.db, [{ alert_id: opened.get('memory:spur_shop_web_production')!, channel: 'team', installation: 0, state: 'firing', at: 1_800_000_000, error: null }]);
    await setProjectMember(t.deps.db, projectId, t.member.id, 'viewer');

    const viewer = await get('member', '/projects/shop/alerts');
    expect(viewer.status).toBe(200);
    expect(viewer.html).toContain('<a href="/projects/shop/services/web">web (shop, production) uses 95% of its memory limit</a>');
    expect(viewer.html).toContain('sent: team (firing)');
    expect(viewer.html).toMatch(/<h2>History<\/h2><ul class="alerts plain"><li class="alert-item alert-resolved" data-state="resolved">.*web \(shop, production\): p95 900 ms \(slow\)/);
    expect(viewer.html).not.toContain('id="channels-title"');
    expect((await get('member', '/projects/shop')).html).toContain('href="/projects/shop/alerts"');
    expect((await post('member', '/projects/shop/alerts/rules/built-in/memory', { on: 'false' })).status).toBe(403);
    expect((await get('member', '/alerts')).status).toBe(403);

    await setProjectMember(t.deps.db, projectId, t.member.id, 'admin');
    const admin = await get('member', '/projects/shop/alerts');
    expect(admin.html).toContain('id="channels-title"');
    expect(admin.html).toContain('<summary>Add Webhook (signed)</summary>');
    // Servers are the installation's: a project's rules are on its services and databases.
    expect(admin.html).toContain('<select name="target"><option value="services">services</option><option value="databases">databases</option></select>');
  });

  it('adds a channel from its kind\'s fields, refusing bad input beside the field without typing a secret back', async () => {
    const refused = await post('owner', '/alerts/channels', { kind: 'webhook', name: 'hook', url: 'https://hooks.example.com/x?token=typed-secret-url', secret: 'short' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('must be at least 16 characters');
    expect(refused.html).toContain('<details open="">');
    expect(refused.html).not.toContain('typed-secret-url');
    expect(await t.deps.db.selectFrom('alert_channels').selectAll().execute()).toEqual([]);

    const added = await post('owner', '/alerts/channels', { kind: 'email', name: 'oncall', to: 'oncall@example.com, ops@example.com' });
    expect(added).toMatchObject({ status: 303, location: '/alerts' });
    const page = await get('owner', '/alerts');
    expect(page.html).toContain('<a href="/alerts" aria-current="page">Alerts</a>');
    expect(page.html).toMatch(/<strong>oncall<\/strong> <span class="muted">Email: oncall@example\.com, ops@example\.com<\/span>/);
    // No SMTP server set: the test says so on the page, and nothing else changes.
    const id = (await t.deps.db.selectFrom('alert_channels').select('id').executeTakeFirstOrThrow()).id;
    const tried = await post('owner', `/alerts/channels/${id}/test`, {});
    expect(tried.status).toBe(502);
    expect(tried.html).toMatch(/<p class="error" role="alert">the test message did not arrive: [^<]*SMTP/);
    expect(await post('owner', `/alerts/channels/${id}/delete`, {})).toMatchObject({ status: 303 });
    expect(await t.deps.db.selectFrom('alert_channels').selectAll().execute()).toEqual([]);
  });

  it('turns a built-in rule off and on, and adds and removes a threshold rule', async () => {
    expect(await post('owner', '/alerts/rules/built-in/update', { on: 'false' })).toMatchObject({ status: 303 });
    expect((await get('owner', '/alerts')).html).toMatch(/<span>Off: A Spur update is available<\/span>.*?<button type="submit">Turn on<\/button>/s);
    expect((await t.call('owner', 'GET', '/alerts/rules')).json.builtIn.find((r: { rule: string }) => r.rule === 'update')).toEqual({ rule: 'update', label: 'A Spur update is available', on: false, offEverywhere: true });
    expect(await post('owner', '/alerts/rules/built-in/update', { on: 'true' })).toMatchObject({ status: 303 });
    expect(await t.deps.db.selectFrom('alert_rules_off').selectAll().execute()).toEqual([]);

    const bad = await post('owner', '/alerts/rules', { name: 'disk', target: 'servers', metric: 'p95', op: '>', value: '90', for: '0' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('metric: p95 is not measured for servers');
    expect(await post('owner', '/alerts/rules', { name: 'disk', target: 'servers', metric: 'disk_percent', op: '>', value: '90', for: '300' })).toMatchObject({ status: 303 });
    const page = await get('owner', '/alerts');
    expect(page.html).toContain('<span><strong>disk</strong>: disk_percent &gt; 90 of each of the servers for 5 min</span>');
    const rule = (await t.deps.db.selectFrom('alert_rules').select('id').executeTakeFirstOrThrow()).id;
    expect(await post('owner', `/alerts/rules/${rule}/delete`, {})).toMatchObject({ status: 303 });
    expect(await t.deps.db.selectFrom('alert_rules').selectAll().execute()).toEqual([]);
  });
});
