// The alert engine against a real SQLite and a real SMTP server (Docker away, as in the app tier):
// what a minute's step says to send is stored with the step, so a crash between the two loses no
// message; a flood is slowed to 10 messages a project a minute, not lost; a second failed
// deployment is said at once; rules that read Docker's view wait while it is away; limits hold
// against requests at once.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { applyAlertChanges, pendingSends } from '../store/alerts.js';
import { SENDS_PER_PROJECT, deliverPending, runAlerts } from './alert-engine.js';
import { RULES_MAX } from './alerts.js';
import { CHANNELS_MAX } from './alert-channels.js';

let t: Awaited<ReturnType<typeof shopWithWeb>>;
let smtp: SMTPServer;
const mails: { subject: string }[] = [];
const T0 = 1_900_000_000_000;

beforeEach(async () => {
  mails.length = 0;
  t = await shopWithWeb();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => (mails.push({ subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '' }), done()));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  expect((await t.call('owner', 'PATCH', '/settings', { smtp: { host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, from: 'spur@example.com', tls: 'none' } })).status).toBe(200);
  expect((await t.call('owner', 'POST', '/alerts/channels', { name: 'oncall', kind: 'email', to: 'oncall@example.com' })).status).toBe(201);
});
afterEach(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
});

const instance = async () => {
  const s = await t.deps.db.selectFrom('services').select(['id', 'project_id']).where('name', '=', 'web').executeTakeFirstOrThrow();
  const e = await t.deps.db.selectFrom('environments').select('id').where('project_id', '=', s.project_id).where('name', '=', 'production').executeTakeFirstOrThrow();
  return { serviceId: s.id, environmentId: e.id, projectId: s.project_id };
};
const failedDeployment = async () => {
  const i = await instance();
  return (await t.deps.db.insertInto('deployments').values({ service_id: i.serviceId, environment_id: i.environmentId, status: 'failed', trigger: 'test', failure_reason: 'build failed: exit 1', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow()).id;
};

describe('the alert engine', () => {
  it('sends a failed deploy, and a second one at once while the first still fires', async () => {
    const first = await failedDeployment();
    await runAlerts(t.deps, T0);
    expect(mails.map((m) => m.subject)).toEqual([`[Alert] web (shop, production): deploy #${first} failed`]);
    await runAlerts(t.deps, T0 + 60_000);
    expect(mails).toHaveLength(1);
    const second = await failedDeployment();
    await runAlerts(t.deps, T0 + 120_000);
    expect(mails.map((m) => m.subject)).toEqual([`[Alert] web (shop, production): deploy #${first} failed`, `[Alert] web (shop, production): deploy #${second} failed`]);
    expect(await pendingSends(t.deps.db)).toEqual([]);
  });

  it('sends after a crash what a stored step said to send, once', async () => {
    const { projectId } = await instance();
    // A step stored, then Spur stopped before sending.
    await applyAlertChanges(t.deps.db, [{ open: { key: 'memory:spur_shop_web_production', rule: 'memory', project_id: projectId, title: 'web (shop, production) uses 95% of its memory limit', text: 't', link: null, since: 1, firing: 1, sent_at: 1, clear_since: null, fired_at: 1 } }], [{ key: 'memory:spur_shop_web_production', state: 'firing' }], Math.floor(T0 / 1000));
    expect(mails).toEqual([]);
    await deliverPending(t.deps, T0 + 60_000);
    expect(mails.map((m) => m.subject)).toEqual(['[Alert] web (shop, production) uses 95% of its memory limit']);
    await deliverPending(t.deps, T0 + 120_000);
    expect(mails).toHaveLength(1);
    const sent = await t.deps.db.selectFrom('alert_notifications').select(['channel', 'installation', 'state', 'error']).execute();
    expect(sent).toEqual([{ channel: 'oncall', installation: 1, state: 'firing', error: null }]);
  });

  it(`slows a flood to ${SENDS_PER_PROJECT} messages a project a look, and loses none`, async () => {
    const { projectId } = await instance();
    const keys = Array.from({ length: SENDS_PER_PROJECT + 3 }, (_, i) => `rule-${i}:x`);
    await applyAlertChanges(t.deps.db, keys.map((key) => ({ open: { key, rule: 'rule-1', project_id: projectId, title: key, text: 't', link: null, since: 1, firing: 1, sent_at: 1, clear_since: null, fired_at: 1 } })), keys.map((key) => ({ key, state: 'firing' as const })), Math.floor(T0 / 1000));
    await deliverPending(t.deps, T0);
    expect(mails).toHaveLength(SENDS_PER_PROJECT);
    await deliverPending(t.deps, T0 + 60_000);
    expect(mails.map((m) => m.subject.replace('[Alert] ', '')).sort()).toEqual([...keys].sort());
  });

  it("leaves alerts of rules that read Docker's view as they are while Docker is away", async () => {
    const { projectId } = await instance();
    await applyAlertChanges(t.deps.db, [{ open: { key: 'memory:spur_shop_web_production', rule: 'memory', project_id: projectId, title: 'm', text: 't', link: null, since: 1, firing: 1, sent_at: 1, clear_since: null, fired_at: 1 } }]);
    expect(t.deps.daemon.ready).toBe(false);
    await runAlerts(t.deps, T0);
    await runAlerts(t.deps, T0 + 600_000);
    expect(await t.deps.db.selectFrom('alerts').select(['firing', 'clear_since', 'resolved_at']).execute()).toEqual([{ firing: 1, clear_since: null, resolved_at: null }]);
    expect(mails).toEqual([]);
  });
});

describe('limits, against requests at once', () => {
  it(`keeps ${RULES_MAX} rules and ${CHANNELS_MAX} channels a scope, refusing the rest with 409`, async () => {
    const rules = await Promise.all(Array.from({ length: RULES_MAX + 5 }, (_, i) => t.call('owner', 'POST', '/projects/shop/alerts/rules', { name: `r${i}`, target: 'services', metric: 'cpu', op: '>', value: 1 })));
    expect(rules.filter((r) => r.status === 201)).toHaveLength(RULES_MAX);
    expect(rules.filter((r) => r.status === 409).map((r) => r.json.error)).toEqual(Array(5).fill(`a project may have ${RULES_MAX} rules of its own; remove one first`));
    const channels = await Promise.all(Array.from({ length: CHANNELS_MAX + 2 }, (_, i) => t.call('owner', 'POST', '/projects/shop/alerts/channels', { name: `c${i}`, kind: 'email', to: 'a@example.com' })));
    expect(channels.filter((r) => r.status === 201)).toHaveLength(CHANNELS_MAX);
    expect(channels.filter((r) => r.status === 409)).toHaveLength(2);
    expect(await t.deps.db.selectFrom('alert_channels').select('id').where('project_id', 'is not', null).execute()).toHaveLength(CHANNELS_MAX);
  });
});

describe("the autoscaler's history", () => {
  it('keeps 90 days of changes, and looks after nothing while Docker is away', async () => {
    const { runAutoscaler } = await import('./autoscale.js');
    const i = await instance();
    const at = (daysAgo: number) => new Date(T0 - daysAgo * 86_400_000).toISOString();
    await t.deps.db.insertInto('scale_events').values([91, 89].map((d) => ({ service_id: i.serviceId, environment_id: i.environmentId, at: at(d), from_replicas: 1, to_replicas: 2, reason: `${d} days ago` }))).execute();
    expect(await runAutoscaler(t.deps, T0)).toEqual([]);
    expect((await t.deps.db.selectFrom('scale_events').select('reason').execute()).map((r) => r.reason)).toEqual(['89 days ago']);
  });
});
