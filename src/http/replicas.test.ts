// The Replicas fact against a daemon that answers as Swarm does: a service it has not (never
// deployed, or removed after a failed first deploy) is a 404 for its tasks, not "Docker cannot be asked".
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerClient } from '../docker/client.js';
import { type FakeDaemon, fakeDaemon } from '../../test/fake-daemon.js';
import { getInstanceContext } from '../store/services.js';
import { queueDeployment, transitionDeployment } from '../store/deployments.js';
import { shopWithWeb } from '../../test/app-fixture.js';

let daemon: FakeDaemon | undefined;
afterEach(async () => {
  await daemon?.remove();
  daemon = undefined;
});

async function shopOnDaemon(services: Record<string, unknown[]> = {}) {
  const shop = await shopWithWeb();
  daemon = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44', services });
  shop.deps.docker = createDockerClient(daemon.socketPath);
  shop.deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as typeof shop.deps.daemon;
  return shop;
}

const replicasFact = (html: string) => /<dt>Replicas<\/dt>\s*<dd>(.*?)<\/dd>/s.exec(html)?.[1].replace(/<[^>]+>/g, '');

describe('the Replicas fact', () => {
  it('says no version has started yet when Docker has no service, also after a failed deploy', async () => {
    const { app, cookies, call, deps } = await shopOnDaemon();
    const page = async () => replicasFact(await (await app.request('/projects/shop/services/web', { headers: { Cookie: cookies.owner } })).text());
    expect(await page()).toBe('0 of 1 running: no version has started yet');

    const project = await deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    const service = await deps.db.selectFrom('services').select('id').where('project_id', '=', project.id).where('name', '=', 'web').executeTakeFirstOrThrow();
    const env = await deps.db.selectFrom('environments').select('id').where('project_id', '=', project.id).executeTakeFirstOrThrow();
    const ctx = await getInstanceContext(deps.db, { serviceId: service.id, environmentId: env.id });
    const { deployment } = await queueDeployment(deps.db, { serviceId: ctx.service.id, environmentId: ctx.environment.id, trigger: 'test' });
    await transitionDeployment(deps.db, deployment.id, 'failed', { failure_reason: 'the image was not found' });
    expect(await page()).toBe('0 of 1 running: no version has started yet (the last deploy failed)');
    const status = await call('owner', 'GET', '/projects/shop/services/web');
    expect(status.json).toMatchObject({ running: 0, replicas: 1, replicasSummary: '0 of 1 running: no version has started yet (the last deploy failed)' });
  });

  it('counts the running tasks of a service Docker has', async () => {
    const task = (state: string) => ({ ID: state, Slot: 1, DesiredState: 'running', Status: { State: state, Timestamp: new Date().toISOString() }, Spec: { ContainerSpec: { Labels: {} } } });
    const { app, cookies } = await shopOnDaemon({ spur_shop_web_production: [task('running')] });
    const html = await (await app.request('/projects/shop/services/web', { headers: { Cookie: cookies.owner } })).text();
    expect(replicasFact(html)).toBe('1 of 1 running');
  });
});
