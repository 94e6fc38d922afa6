// App tier: a project's events over the API: its members read them (who was added only for those
// who may read the member list), after an id or the newest few; a bad `after` or `limit` is 400.
import { describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { setProjectMember } from '../store/access.js';
import { recordEvent } from '../store/events.js';

describe('the events API', () => {
  it("lets a viewer read the project's events without who was added; an admin reads who", async () => {
    const t = await shopWithWeb();
    const project = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await setProjectMember(t.deps.db, project.id, t.member.id, 'viewer');
    await recordEvent(t.deps.db, project.id, 'backup.done', { backup: 1, database: 'pg' });
    const asViewer = await t.call('member', 'GET', '/projects/shop/events');
    expect(asViewer.status).toBe(200);
    expect(asViewer.json.events.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([
      ['member.added', { role: 'viewer' }],
      ['backup.done', { backup: 1, database: 'pg' }],
    ]);
    const asOwner = await t.call('owner', 'GET', '/projects/shop/events?limit=1');
    expect(asOwner.json.events.map((e: { type: string }) => e.type)).toEqual(['backup.done']);
    const first = asViewer.json.events[0].id;
    const after = await t.call('owner', 'GET', `/projects/shop/events?after=${first - 1}&limit=1`);
    expect(after.json.events).toEqual([expect.objectContaining({ id: first, type: 'member.added', data: { email: 'm@example.com', role: 'viewer' }, project: 'shop' })]);
  });

  it('refuses an after or limit that is not a whole number in range, and a project one is not in', async () => {
    const t = await shopWithWeb();
    for (const q of ['after=-1', 'after=x', 'limit=0', 'limit=501', 'limit=1e3']) {
      const r = await t.call('owner', 'GET', `/projects/shop/events?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.error).toMatch(/^(after|limit): must be a whole number from/);
    }
    expect((await t.call('member', 'GET', '/projects/shop/events')).status).toBe(404);
  });
});
