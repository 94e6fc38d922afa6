// App tier: a project's events over the API: its members read them (who was added only for those
// who may read the member list), after an id or the newest few; a bad `after` or `limit` is 400.
import { describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { setProjectMember } from '../store/access.js';
import { recordEvent } from '../store/events.js';
import { createApiToken } from '../store/users.js';

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

describe('the event stream', () => {
  it('ends, saying why, once the token it was opened with is revoked, and sends nothing after', async () => {
    const t = await shopWithWeb();
    const owner = await t.deps.db.selectFrom('users').select('id').where('email', '=', 'o@example.com').executeTakeFirstOrThrow();
    const token = await createApiToken(t.deps.db, owner.id, 'follow');
    const project = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    await recordEvent(t.deps.db, project.id, 'backup.done', { backup: 8, database: 'pg' });
    const res = await t.app.request('/api/v1/projects/shop/events/stream?after=0', { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (want: string) => {
      while (!text.includes(want)) {
        const { value, done } = await reader.read();
        if (done) return false;
        text += value;
      }
      return true;
    };
    expect(await readUntil('"type":"backup.done"')).toBe(true);
    const id = (await t.deps.db.selectFrom('api_tokens').select('id').where('name', '=', 'follow').executeTakeFirstOrThrow()).id;
    expect((await t.call('owner', 'DELETE', `/tokens/${id}`)).status).toBe(200);
    await recordEvent(t.deps.db, project.id, 'backup.failed', { backup: 9, database: 'pg' });
    expect(await readUntil('event: problem')).toBe(true);
    expect(text).toContain('data: this API token no longer works: it was revoked, or its user removed');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).not.toContain('backup.failed');
  }, 15_000);
});

describe('redelivery', () => {
  it('is refused past 10 a webhook in 10 minutes, also when asked for all at once, and while the event is still to be sent', async () => {
    const t = await shopWithWeb();
    const { createEventWebhook, recordAttempt } = await import('../store/events.js');
    const project = await t.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    const hook = (await createEventWebhook(t.deps.db, t.deps.key, { projectId: project.id, name: 'ci', host: 'ci.example.com', types: ['*'], url: 'https://ci.example.com/x', secret: 'sixteen chars ok' }, 10)) as { id: number };
    await recordEvent(t.deps.db, project.id, 'backup.done', { backup: 1 });
    const first = await t.deps.db.selectFrom('event_deliveries').select('id').executeTakeFirstOrThrow();
    const path = `/projects/shop/webhooks/${hook.id}/deliveries/${first.id}/redeliver`;
    expect((await t.call('owner', 'POST', path)).status).toBe(409);
    // Each redelivery is sent (and fails) before the next is asked for; 14 at once past the limit.
    const settle = async () => {
      for (const d of await t.deps.db.selectFrom('event_deliveries').select('id').where('state', '=', 'pending').execute()) await recordAttempt(t.deps.db, d.id, { delivered: false, status: 500, error: 'busy', retryAt: null });
    };
    await settle();
    const answers = await Promise.all(Array.from({ length: 14 }, () => t.call('owner', 'POST', path)));
    const statuses = answers.map((a) => a.status).sort();
    // The refused 409 above counted: 9 more may be asked; one makes a pending delivery, the other
    // eight are 409 while it waits, and the last five are over the limit.
    expect(statuses).toEqual([202, ...Array(8).fill(409), ...Array(5).fill(429)]);
    expect(answers.find((a) => a.status === 429)!.json.error).toBe('ci was asked to redeliver 10 times in the last 10 minutes; try again later');
    expect(await t.deps.db.selectFrom('event_deliveries').select('id').execute()).toHaveLength(2);
  });
});
