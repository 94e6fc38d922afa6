// App tier: the audit log's pages — the installation's (owners) and a project's (its admins),
// linked only for those who may, filtered by a GET form (htmx swaps the results), paged, each
// entry with who, via, action, object and before → after (no secret value), the chain check for
// owners, and the download of the filtered entries as JSON lines.
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { setProjectMember } from '../store/access.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
beforeEach(async () => {
  t = await shopWithWeb();
});

const SECRET_VALUE = 'pages-secret-do-not-show';
const page = async (who: 'owner' | 'member', path: string, hx = false) => {
  const res = await t.app.request(path, { headers: { Cookie: t.cookies[who], ...(hx ? { 'HX-Request': 'true' } : {}) } });
  return { status: res.status, html: await res.text(), headers: res.headers };
};
const shopId = async () => (await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow()).id;

describe('the audit log pages', () => {
  it('shows the owner every entry with who, via, action, object and before → after, never a value; linked from Settings', async () => {
    await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { API_KEY: SECRET_VALUE });
    await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { API_KEY: `${SECRET_VALUE}-2` });
    const { status, html } = await page('owner', '/audit');
    expect(status).toBe(200);
    expect(html).toContain('<a href="/audit" aria-current="page">Audit log</a>');
    expect(html).toContain('<th scope="col">When</th><th scope="col">Who</th><th scope="col">Via</th><th scope="col">Action</th><th scope="col">Object</th><th scope="col">Before → after</th><th scope="col">Outcome</th>');
    expect(html).toMatch(/<td>o@example\.com<span class="muted"> \(owner\)<\/span><span class="muted"> by API token<\/span><\/td><td>api<span class="muted"> from unknown<\/span><\/td><td><code>variables\.change<\/code><\/td><td>shop\/web \(production\) <span class="muted">\(service\)<\/span><\/td><td><code>\{&quot;API_KEY&quot;:&quot;\(set\)&quot;\}<\/code> → <code>\{&quot;API_KEY&quot;:&quot;\(changed\)&quot;\}<\/code><\/td><td>allowed<\/td>/);
    expect(html).toContain('<button type="submit">Verify chain</button>');
    expect(html).toContain('href="/audit/export"');
    expect(html).not.toContain(SECRET_VALUE);
    // Not in a member's navigation, and refused to them.
    expect((await page('member', '/users')).status).toBe(403);
    expect((await page('member', '/audit')).status).toBe(403);
  });

  it('filters by who, what, when and outcome through a GET form that htmx swaps in place, and shows a refused filter', async () => {
    await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { A: 'b' });
    const { html } = await page('owner', '/audit');
    expect(html).toMatch(/<form method="get" action="\/audit" class="row" role="search" aria-label="Filter the audit log" hx-get="\/audit" hx-target="#audit-results"/);
    for (const label of ['Who (email)', 'Action', 'From (date)', 'Before (date)', 'Outcome']) expect(html).toContain(`<span>${label}</span>`);
    const filtered = await page('owner', '/audit?actor=o%40example.com&action=variables&since=2020-01-01&until=2999-01-01&outcome=allowed', true);
    expect(filtered.status).toBe(200);
    expect(filtered.html.startsWith('<section id="audit-results"')).toBe(true);
    expect(filtered.html.match(/<code>[a-z.-]+<\/code><\/td>/g)).toEqual(['<code>variables.change</code></td>']);
    expect(filtered.html).toContain('href="/audit/export?actor=o%40example.com&amp;action=variables&amp;since=2020-01-01&amp;until=2999-01-01&amp;outcome=allowed"');
    expect((await page('owner', '/audit?outcome=refused', true)).html).toContain('No entries.');
    const refused = await page('owner', '/audit?since=yesterday');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('give a date (2026-12-05) or an ISO time');
  });

  it('pages back through older entries', async () => {
    for (let i = 0; i < 55; i++) await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { A: String(i) });
    const first = await page('owner', '/audit?action=variables');
    expect(first.html.match(/<tr id="entry-/g)).toHaveLength(50);
    const older = /<a href="(\/audit\?action=variables&amp;before=(\d+))"/.exec(first.html);
    expect(older).not.toBeNull();
    const second = await page('owner', older![1].replace(/&amp;/g, '&'), true);
    expect(second.html.match(/<tr id="entry-/g)).toHaveLength(5);
    expect(second.html).not.toContain('Older entries');
  });

  it('checks the chain for the owner, and names the entry an edit broke', async () => {
    await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { A: 'b' });
    expect((await page('owner', '/audit/verify', true)).html).toBe('<p id="chain-check" role="status">The chain is intact: 3 entries, none changed, removed or moved.</p>');
    await sql.raw('DROP TRIGGER audit_entries_append_only').execute(t.deps.db);
    await sql.raw(`UPDATE audit_entries SET actor_email = 'x@example.com' WHERE id = 2`).execute(t.deps.db);
    const full = await page('owner', '/audit/verify');
    expect(full.status).toBe(200);
    expect(full.html).toContain('The chain is broken at entry 2: an entry was changed, removed or moved (1 before it check out).');
    expect((await page('member', '/audit/verify', true)).status).toBe(403);
  });

  it('downloads the filtered entries as JSON lines, the API’s lines', async () => {
    await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { A: SECRET_VALUE });
    const res = await page('owner', '/audit/export?action=variables');
    expect([res.status, res.headers.get('Content-Disposition')]).toEqual([200, 'attachment; filename="spur-audit.jsonl"']);
    expect(res.html.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual((await t.call('owner', 'GET', '/audit?action=variables')).json.entries);
    expect(res.html).not.toContain(SECRET_VALUE);
    expect((await page('member', '/audit/export')).status).toBe(403);
  });

  it('shows a project’s log to its admins (linked from the project page), refuses a developer, and is not found to others', async () => {
    await t.call('owner', 'PUT', '/projects/shop/services/web/variables', { A: 'b' });
    expect((await page('member', '/projects/shop/audit')).status).toBe(404);
    expect((await page('member', '/projects/shop/audit/export')).status).toBe(404);
    await setProjectMember(t.deps.db, await shopId(), t.member.id, 'developer');
    expect((await page('member', '/projects/shop')).html).not.toContain('href="/projects/shop/audit"');
    expect((await page('member', '/projects/shop/audit')).status).toBe(403);
    await setProjectMember(t.deps.db, await shopId(), t.member.id, 'admin');
    expect((await page('member', '/projects/shop')).html).toContain('<a href="/projects/shop/audit">Audit log: who changed what in shop</a>');
    const { status, html } = await page('member', '/projects/shop/audit');
    expect(status).toBe(200);
    expect(html).toContain('<h1>Audit log of shop</h1>');
    expect(html).not.toContain('Verify chain');
    expect(html).toContain('href="/projects/shop/audit/export"');
    // The project's entries, the three refusals above among them.
    expect(html.match(/<code>[a-z.-]+<\/code><\/td>/g)).toEqual(['<code>project-audit.read</code></td>', '<code>project-audit.read</code></td>', '<code>project-audit.read</code></td>', '<code>variables.change</code></td>', '<code>service.create</code></td>', '<code>project.create</code></td>']);
    const exported = await page('member', '/projects/shop/audit/export?action=variables');
    expect(exported.html.trimEnd().split('\n').map((l) => JSON.parse(l).action)).toEqual(['variables.change']);
  });
});
