// A deployment page's live stream carries every fact that changes while it runs (commit, image),
// not only its status: after a success, a failure and a rollback, without a reload.
import { describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import type { DeploymentStatus } from '../db/schema.js';
import { queueDeployment, recordDeploymentSource, transitionDeployment } from '../store/deployments.js';
import { shopWithWeb } from '../../test/app-fixture.js';
import { eventsIn, readEvents } from '../../test/sse-events.js';

/** The shop with its web service and one deployment of it queued. */
async function queuedWeb() {
  const shop = await shopWithWeb();
  const scope = await shop.deps.db.selectFrom('service_instances').innerJoin('services', 'services.id', 'service_instances.service_id').select(['service_instances.service_id as serviceId', 'service_instances.environment_id as environmentId']).where('services.name', '=', 'web').executeTakeFirstOrThrow();
  const { deployment } = await queueDeployment(shop.deps.db, { ...scope, trigger: 'test' });
  return { shop, scope, deployment };
}

/** Opens the page's event stream, runs `change` while it is open, and answers every event it
 *  sent until `done`, as [name, data]. */
async function eventsWhile(shop: Awaited<ReturnType<typeof shopWithWeb>>, id: number, change: () => Promise<void>): Promise<[string, string][]> {
  const res = await shop.app.request(`/deployments/${id}/events`, { headers: { Cookie: shop.cookies.owner } });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const stream = readEvents(res);
  await new Promise((r) => setTimeout(r, 50));
  await change();
  return eventsIn(await stream.finished);
}

const lastFacts = (events: [string, string][]) => events.filter(([e]) => e === 'facts').at(-1)?.[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function move(deps: Deps, id: number, to: DeploymentStatus, fields: Parameters<typeof transitionDeployment>[3] = {}) {
  await transitionDeployment(deps.db, id, to, fields);
  await deps.logBus.status(id, to, fields.failure_reason);
}

const SHA = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0';

describe('the deployment page, live', () => {
  it('shows the commit and image of a deployment that becomes active', async () => {
    const { shop, deployment } = await queuedWeb();
    const events = await eventsWhile(shop, deployment.id, async () => {
      await move(shop.deps, deployment.id, 'building');
      await recordDeploymentSource(shop.deps.db, deployment.id, { commit_sha: SHA, commit_message: 'first version' });
      await move(shop.deps, deployment.id, 'deploying', { image_tag: 'spur/shop/web:1-abc' });
      await move(shop.deps, deployment.id, 'active');
    });
    expect(lastFacts(events)).toContain('Commit a1b2c3d4e5f6 first version Image spur/shop/web:1-abc');
  });

  it('shows the commit of a deployment whose build failed', async () => {
    const { shop, deployment } = await queuedWeb();
    const events = await eventsWhile(shop, deployment.id, async () => {
      await move(shop.deps, deployment.id, 'building');
      await recordDeploymentSource(shop.deps.db, deployment.id, { commit_sha: SHA, commit_message: 'broken' });
      await move(shop.deps, deployment.id, 'failed', { failure_reason: 'build failed: exit code 1' });
    });
    expect(lastFacts(events)).toContain('Commit a1b2c3d4e5f6 broken Image none');
  });

  it('shows the image a rollback runs again', async () => {
    const { shop, scope, deployment: first } = await queuedWeb();
    await transitionDeployment(shop.deps.db, first.id, 'deploying', { image_tag: 'nginx:1', commit_sha: SHA, commit_message: 'one' });
    await transitionDeployment(shop.deps.db, first.id, 'active');
    const { deployment: rollback } = await queueDeployment(shop.deps.db, { ...scope, trigger: 'rollback:test', source: { ...first, image_tag: 'nginx:1', commit_sha: SHA, commit_message: 'one' } });
    const events = await eventsWhile(shop, rollback.id, async () => {
      await move(shop.deps, rollback.id, 'deploying', { image_tag: 'nginx:1' });
      await move(shop.deps, rollback.id, 'active');
    });
    expect(lastFacts(events)).toContain('Image nginx:1');
  });
});
