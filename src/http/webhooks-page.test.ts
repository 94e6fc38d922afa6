// App tier: a project's webhooks pages (its admins): a webhook added from the form (a refused one
// shown beside its field, its URL never typed back; a secret Spur made shown once in the toast),
// listed without its URL, its deliveries listed with a button that sends one again, and removed.
// A viewer is refused the page, and the project page links it for admins only.
import { beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN, shopWithWeb } from '../../test/app-fixture.js';
import { setProjectMember } from '../store/access.js';
import { recordAttempt, recordEvent } from '../store/events.js';

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
  const csrf = csrfOf((await get(who, '/projects/shop')).html);
  const res = await t.app.request(path, { method: 'POST', headers: { Origin: ORIGIN, Cookie: t.cookies[who], 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() });
  return { status: res.status, location: res.headers.get('location'), cookie: res.headers.get('set-cookie') ?? '', html: await res.text() };
};

describe('the webhooks pages', () => {
  it('add a webhook from the form, refuse a bad one beside its field, list deliveries, redeliver one, and remove it', async () => {
    const refused = await post('owner', '/projects/shop/webhooks', { name: 'ci', url: 'ftp://ci.example.com/hook?token=abc', secret: '', types: '*' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('must start with https://');
    expect(refused.html).not.toContain('token=abc');
    expect((await post('owner', '/projects/shop/webhooks', { name: 'ci', url: 'https://ci.example.com/hook', secret: '', types: 'deployment.done' })).html).toContain('deployment.done is not an event type');

    const added = await post('owner', '/projects/shop/webhooks', { name: 'ci', url: 'https://ci.example.com/hook?token=abc', secret: '', types: 'deployment.active, deployment.failed' });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/projects/shop/webhooks');
    expect(decodeURIComponent(added.cookie)).toMatch(/Webhook ci added; its signing secret \(shown once\): [0-9a-f]{48}/);
    const list = await get('owner', '/projects/shop/webhooks');
    expect(list.html).toContain('ci.example.com: deployment.active, deployment.failed');
    expect(list.html).not.toContain('token=abc');

    const hook = await t.deps.db.selectFrom('event_webhooks').select('id').executeTakeFirstOrThrow();
    const project = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await recordEvent(t.deps.db, project.id, 'deployment.active', { deployment: 1 });
    const delivery = await t.deps.db.selectFrom('event_deliveries').select('id').executeTakeFirstOrThrow();
    const log = await get('owner', `/projects/shop/webhooks/${hook.id}`);
    expect(log.html).toMatch(new RegExp(`<tr data-delivery="${delivery.id}"><td>${delivery.id}</td><td>deployment.active`));
    expect(log.html).toContain(`aria-label="Redeliver ${delivery.id}"`);
    // Still to be sent: not again.
    expect((await post('owner', `/projects/shop/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, {})).status).toBe(409);
    await recordAttempt(t.deps.db, delivery.id, { delivered: false, status: 500, error: 'busy', retryAt: null });
    const again = await post('owner', `/projects/shop/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, {});
    expect(again.status).toBe(303);
    expect(await t.deps.db.selectFrom('event_deliveries').select('id').execute()).toHaveLength(2);

    expect((await post('owner', `/projects/shop/webhooks/${hook.id}/delete`, {})).status).toBe(303);
    expect((await get('owner', '/projects/shop/webhooks')).html).toContain('No webhook yet');
  });

  it('hand the secret Spur made to the browser in a Secure cookie when Spur is reached over HTTPS', async () => {
    const plain = await post('owner', '/projects/shop/webhooks', { name: 'ci', url: 'https://ci.example.com/hook', secret: '', types: '*' });
    expect(plain.cookie).toContain('signing%20secret');
    expect(plain.cookie).not.toMatch(/;\s*Secure/i);
    (t.deps.config as { publicUrl: string }).publicUrl = 'https://spur.example';
    const secure = await post('owner', '/projects/shop/webhooks', { name: 'cd', url: 'https://cd.example.com/hook', secret: '', types: '*' });
    expect(secure.status).toBe(303);
    expect(secure.cookie).toContain('signing%20secret');
    expect(secure.cookie).toMatch(/;\s*Secure/i);
  });

  it("are an admin's: a viewer is refused them and the project page does not link them", async () => {
    const project = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await setProjectMember(t.deps.db, project.id, t.member.id, 'viewer');
    expect((await get('member', '/projects/shop/webhooks')).status).toBe(403);
    expect((await get('member', '/projects/shop')).html).not.toContain('href="/projects/shop/webhooks"');
    expect((await get('owner', '/projects/shop')).html).toContain('href="/projects/shop/webhooks"');
  });
});
