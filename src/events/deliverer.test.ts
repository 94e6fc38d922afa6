// Delivering for real, on this machine: each event POSTed, signed, to a receiver started here on a
// private address (private networks allowed); a 500 is tried again after 10 s, and a receiver that
// never takes it is given up on after nine attempts.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { privateAddress } from '../../test/private-address.js';
import { afterEach, describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { createEventWebhook, recordEvent } from '../store/events.js';
import { EventDeliverer } from './deliverer.js';
import { ATTEMPTS_MAX } from './schedule.js';

const secret = 'a shared secret of 32 characters';


const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A receiver that answers each request with the next of `statuses` (the last one thereafter). */
async function receiver(statuses: number[]) {
  const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)]!).end('busy');
    });
  });
  const host = privateAddress();
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}/hook`, got };
}

async function world(url: string) {
  const { deps } = await shopWithWeb();
  const project = await deps.db.selectFrom('projects').selectAll().where('name', '=', 'shop').executeTakeFirstOrThrow();
  await createEventWebhook(deps.db, deps.key, { projectId: project.id, name: 'ci', host: new URL(url).host, types: ['*'], url, secret }, 10);
  const deliverer = new EventDeliverer({ db: deps.db, key: deps.key, config: { notifyAllowPrivate: true }, log: deps.log });
  const delivery = () => deps.db.selectFrom('event_deliveries').selectAll().executeTakeFirstOrThrow();
  return { deps, project, deliverer, delivery };
}

describe('the event deliverer', () => {
  it('sends a delivery whose outcome cannot be recorded once a poll, not again and again', async () => {
    const r = await receiver([204]);
    const { deps, project, deliverer } = await world(r.url);
    await recordEvent(deps.db, project.id, 'backup.done', { backup: 1 });
    const { sql } = await import('kysely');
    await sql.raw(`CREATE TRIGGER no_record BEFORE UPDATE ON event_deliveries BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`).execute(deps.db);
    expect(await deliverer.deliverDue()).toBe(1);
    expect(r.got).toHaveLength(1);
  }, 10_000);

  it('records a delivery it cannot sign as failed, sends the rest of its batch once, and keeps going', async () => {
    const r = await receiver([204]);
    const { deps, project, deliverer } = await world(r.url);
    await createEventWebhook(deps.db, deps.key, { projectId: project.id, name: 'broken', host: 'example.com', types: ['*'], url: 'https://example.com/x', secret }, 10);
    await deps.db.updateTable('event_webhooks').set({ secrets_sealed: 'garbage' }).where('name', '=', 'broken').execute();
    for (const n of [1, 2, 3]) await recordEvent(deps.db, project.id, 'backup.done', { backup: n });
    const t0 = new Date();
    expect(await deliverer.deliverDue(() => t0)).toBe(6);
    expect(r.got).toHaveLength(3);
    const rows = await deps.db.selectFrom('event_deliveries as d').innerJoin('event_webhooks as w', 'w.id', 'd.webhook_id').select(['w.name', 'd.state', 'd.attempts']).orderBy('d.id').execute();
    expect(rows.filter((x) => x.name === 'ci').map((x) => x.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(rows.filter((x) => x.name === 'broken').map((x) => [x.state, x.attempts])).toEqual([['pending', 1], ['pending', 1], ['pending', 1]]);
    // Nothing is sent twice by the next poll.
    expect(await deliverer.deliverDue(() => t0)).toBe(0);
    expect(r.got).toHaveLength(3);
  });

  it('posts the signed event; after a 500 it waits 10 s and posts it again, which the receiver takes', async () => {
    const r = await receiver([500, 204]);
    const { deps, project, deliverer, delivery } = await world(r.url);
    const event = await recordEvent(deps.db, project.id, 'deployment.active', { deployment: 7, service: 'web' });
    const t0 = new Date();
    expect(await deliverer.deliverDue(() => t0)).toBe(1);
    expect(await delivery()).toMatchObject({ state: 'pending', attempts: 1, last_status: 500, next_at: new Date(t0.getTime() + 10_000).toISOString() });
    expect((await delivery()).last_error).toMatch(/answered 500: busy/);
    // Not due before its time.
    expect(await deliverer.deliverDue(() => new Date(t0.getTime() + 9_000))).toBe(0);
    expect(await deliverer.deliverDue(() => new Date(t0.getTime() + 10_000))).toBe(1);
    expect(await delivery()).toMatchObject({ state: 'delivered', attempts: 2, last_status: 204, next_at: null });

    expect(r.got).toHaveLength(2);
    for (const { headers, body } of r.got) {
      expect(headers['x-spur-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${headers['x-spur-timestamp']}.${body}`).digest('hex')}`);
      expect(headers['x-spur-event']).toBe('deployment.active');
      expect(headers['x-spur-delivery']).toBe(String((await delivery()).id));
      expect(JSON.parse(body)).toEqual({ id: event.id, type: 'deployment.active', project: 'shop', createdAt: event.created_at, data: { deployment: 7, service: 'web' } });
    }
  });

  it('gives up after nine attempts over about 17 hours, recording why', async () => {
    const r = await receiver([503]);
    const { deps, project, deliverer, delivery } = await world(r.url);
    await recordEvent(deps.db, project.id, 'backup.failed', { backup: 3 });
    let now = Date.now();
    for (let i = 0; i < ATTEMPTS_MAX + 2; i++) {
      await deliverer.deliverDue(() => new Date(now));
      now += 13 * 3600_000;
    }
    expect(r.got).toHaveLength(ATTEMPTS_MAX);
    expect(await delivery()).toMatchObject({ state: 'failed', attempts: 9, last_status: 503, next_at: null });
  });

  it('refuses to post to this machine, recording why, and tries again later', async () => {
    const { deps, project, deliverer, delivery } = await world('http://127.0.0.1:9/hook');
    await recordEvent(deps.db, project.id, 'member.added', { email: 'a@example.com' });
    await deliverer.deliverDue();
    expect(await delivery()).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    expect((await delivery()).last_error).toMatch(/127\.0\.0\.1 is a loopback address/);
  });
});
