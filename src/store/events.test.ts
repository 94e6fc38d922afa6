// The outbox: an event is recorded in the transaction of its change, with a delivery for each
// webhook of the project that wants its type; a change refused records none; old events go.
import { describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { queueDeployment, transitionDeployment } from './deployments.js';
import { createProject } from './projects.js';
import { createEventWebhook, deliveriesToSend, dueTurns, listEvents, pruneEvents, recordAttempt, recordEvent, redeliver } from './events.js';

async function world() {
  const { deps } = await shopWithWeb();
  const project = await deps.db.selectFrom('projects').selectAll().where('name', '=', 'shop').executeTakeFirstOrThrow();
  const service = await deps.db.selectFrom('services').selectAll().executeTakeFirstOrThrow();
  const environment = await deps.db.selectFrom('environments').selectAll().where('project_id', '=', project.id).where('name', '=', 'production').executeTakeFirstOrThrow();
  const hook = async (name: string, types: string[]) =>
    (await createEventWebhook(deps.db, deps.key, { projectId: project.id, name, host: 'example.com', types, url: `https://example.com/${name}`, secret: 'sixteen chars ok' }, 10)) as { id: number };
  const deliveries = () => deps.db.selectFrom('event_deliveries as d').innerJoin('events as e', 'e.id', 'd.event_id').select(['d.id', 'd.webhook_id', 'd.state', 'd.attempts', 'd.next_at', 'e.type']).orderBy('d.id').execute();
  return { deps, project, service, environment, hook, deliveries };
}

describe('due deliveries', () => {
  it("are each project's first few in its own order, and are read with their webhook, event and project in the order asked", async () => {
    const { deps, project, hook } = await world();
    const owner = await deps.db.selectFrom('users').select('id').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const other = await createProject(deps.db, 'other', owner.id);
    await hook('busy', ['backup.done']);
    // A second webhook of shop: turns are the project's, not each webhook's.
    await hook('also', ['backup.done']);
    for (let i = 0; i < 10; i++) await recordEvent(deps.db, project.id, 'backup.done', { backup: i });
    await createEventWebhook(deps.db, deps.key, { projectId: other.id, name: 'quiet', host: 'example.com', types: ['*'], url: 'https://example.com/quiet', secret: 'sixteen chars ok' }, 10);
    await recordEvent(deps.db, other.id, 'backup.failed', { backup: 99 });
    const later = new Date(Date.now() + 1000).toISOString();
    const turns = await dueTurns(deps.db, later, 2);
    expect(turns.map((t) => [t.projectId, t.turn])).toEqual(expect.arrayContaining([[project.id, 1], [project.id, 2], [other.id, 1]]));
    expect(turns).toHaveLength(3);
    const [first, second] = turns.filter((t) => t.projectId === project.id).sort((a, b) => a.turn - b.turn);
    expect(first!.id).toBeLessThan(second!.id);
    const quietOne = turns.find((t) => t.projectId === other.id)!.id;
    const read = await deliveriesToSend(deps.db, [quietOne, first!.id]);
    expect(read.map((d) => [d.id, d.project, d.webhook.name, d.event.type])).toEqual([[quietOne, 'other', 'quiet', 'backup.failed'], [first!.id, 'shop', expect.stringMatching(/^(busy|also)$/), 'backup.done']]);
    await recordAttempt(deps.db, first!.id, { delivered: true, status: 204, error: null, retryAt: null });
    expect(await deliveriesToSend(deps.db, [first!.id])).toEqual([]);
  });
});

describe('events', () => {
  it("of a deployment's life go to the webhooks that want them, each with the service, environment and status", async () => {
    const { deps, project, service, environment, hook, deliveries } = await world();
    const all = await hook('all', ['*']);
    const active = await hook('active', ['deployment.active']);
    const { deployment } = await queueDeployment(deps.db, { serviceId: service.id, environmentId: environment.id, trigger: 'api' });
    await transitionDeployment(deps.db, deployment.id, 'building');
    await transitionDeployment(deps.db, deployment.id, 'deploying');
    await transitionDeployment(deps.db, deployment.id, 'active');
    const events = await listEvents(deps.db, project.id, { limit: 10 });
    expect(events.map((e) => e.type)).toEqual(['deployment.queued', 'deployment.active']);
    expect(JSON.parse(events[1]!.data)).toMatchObject({ deployment: deployment.id, service: 'web', environment: 'production', status: 'active', trigger: 'api' });
    expect((await deliveries()).map((d) => [d.webhook_id, d.type, d.state]).sort()).toEqual([
      [all.id, 'deployment.active', 'pending'],
      [all.id, 'deployment.queued', 'pending'],
      [active.id, 'deployment.active', 'pending'],
    ]);
  });

  it('are not recorded for a change that is refused: the transaction holds both or neither', async () => {
    const { deps, project, service, environment, hook, deliveries } = await world();
    await hook('all', ['*']);
    const { deployment } = await queueDeployment(deps.db, { serviceId: service.id, environmentId: environment.id, trigger: 'api' });
    await transitionDeployment(deps.db, deployment.id, 'failed', { failure_reason: 'the build failed' });
    await expect(transitionDeployment(deps.db, deployment.id, 'active')).rejects.toThrow('cannot go from failed to active');
    expect((await listEvents(deps.db, project.id, { limit: 10 })).map((e) => e.type)).toEqual(['deployment.queued', 'deployment.failed']);
    expect(JSON.parse((await listEvents(deps.db, project.id, { limit: 10 }))[1]!.data).reason).toBe('the build failed');
    expect(await deliveries()).toHaveLength(2);
  });

  it('of a member added are recorded once, not again when their role changes', async () => {
    const { deps, project } = await world();
    const { setProjectMember } = await import('./access.js');
    const user = await deps.db.selectFrom('users').select('id').where('email', '=', 'm@example.com').executeTakeFirstOrThrow();
    await setProjectMember(deps.db, project.id, user.id, 'viewer');
    await setProjectMember(deps.db, project.id, user.id, 'developer');
    const added = (await listEvents(deps.db, project.id, { limit: 10 })).filter((e) => e.type === 'member.added');
    expect(added.map((e) => JSON.parse(e.data))).toEqual([{ email: 'm@example.com', role: 'viewer' }]);
  });

  it('are redelivered as a new delivery; an attempt is recorded once; old events are forgotten with their deliveries', async () => {
    const { deps, project, hook, deliveries } = await world();
    const all = await hook('all', ['*']);
    await recordEvent(deps.db, project.id, 'backup.done', { backup: 1 });
    const [first] = await deliveries();
    await recordAttempt(deps.db, first!.id, { delivered: true, status: 200, error: null, retryAt: null });
    // A second report of the same attempt (two deliverers) changes nothing.
    await recordAttempt(deps.db, first!.id, { delivered: false, status: 500, error: 'late', retryAt: null });
    const again = (await redeliver(deps.db, all.id, first!.id)) as { id: number };
    // Not again while that event is still to be sent to this webhook.
    expect(await redeliver(deps.db, all.id, first!.id)).toBe('pending');
    expect((await deliveries()).map((d) => [d.id, d.state, d.attempts])).toEqual([
      [first!.id, 'delivered', 1],
      [again!.id, 'pending', 0],
    ]);
    expect(await redeliver(deps.db, all.id + 1000, first!.id)).toBeUndefined();
    expect(await pruneEvents(deps.db, new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(await pruneEvents(deps.db, new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThan(0);
    expect(await deliveries()).toEqual([]);
  });
});
