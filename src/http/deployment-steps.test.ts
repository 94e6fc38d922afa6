// A deployment's steps with their times, as the pipeline records them: on its page, live over its
// stream, and in the JSON API's deployment body.
import { describe, expect, it } from 'vitest';
import { stepRecord } from '../deploy/step-record.js';
import { queueDeployment, transitionDeployment } from '../store/deployments.js';
import { shopWithWeb } from '../../test/app-fixture.js';
import { readEvents } from '../../test/sse-events.js';

async function webDeployment() {
  const shop = await shopWithWeb();
  const row = await shop.deps.db.selectFrom('service_instances').innerJoin('services', 'services.id', 'service_instances.service_id').select(['service_instances.service_id as serviceId', 'service_instances.environment_id as environmentId']).where('services.name', '=', 'web').executeTakeFirstOrThrow();
  const { deployment } = await queueDeployment(shop.deps.db, { ...row, trigger: 'test' });
  return { ...shop, id: deployment.id, steps: stepRecord(shop.deps, deployment.id) };
}

const stepsOnPage = (html: string) => [...html.matchAll(/<li class="step step-(\w+)" data-step="(\w+)"[^>]*>(.*?)<\/li>/g)].map((m) => `${m[2]} ${m[1]}: ${m[3].replace(/<[^>]+>/g, '')}`);

describe('deployment steps', () => {
  it('the page lists the steps that happened with their times; an image service shows no fetch or build', async () => {
    const { app, cookies, id, steps, deps } = await webDeployment();
    await steps.begin('queued');
    await steps.end('done');
    await transitionDeployment(deps.db, id, 'deploying', { image_tag: 'nginx' });
    await steps.begin('rollout');
    await steps.begin('health');
    const running = await (await app.request(`/deployments/${id}`, { headers: { Cookie: cookies.owner } })).text();
    expect(running).toContain('<h2 id="deployment-steps-title">Steps</h2>');
    expect(stepsOnPage(running)).toEqual([expect.stringMatching(/^queued done: Queueddone\d+\.\d s$/), expect.stringMatching(/^rollout done: Roll outdone\d+\.\d s$/), expect.stringMatching(/^health running: Health checkrunning\d+\.\d s so far$/)]);
    expect(running).toContain('data-running-since=');

    await steps.end('done');
    await transitionDeployment(deps.db, id, 'active');
    const done = await (await app.request(`/deployments/${id}`, { headers: { Cookie: cookies.owner } })).text();
    expect(stepsOnPage(done).map((s) => s.split(':')[0])).toEqual(['queued done', 'rollout done', 'health done', 'active done']);
    expect(done).not.toContain('data-step="fetch"');
    expect(done).not.toContain('data-step="build"');
  });

  it('the JSON API gives the steps, and where it failed', async () => {
    const { call, id, steps, deps } = await webDeployment();
    await steps.begin('queued');
    await steps.end('done');
    await transitionDeployment(deps.db, id, 'building');
    await steps.begin('fetch');
    await steps.begin('build');
    await steps.end('failed');
    await transitionDeployment(deps.db, id, 'failed', { failure_reason: 'build failed' });
    const { json } = await call('owner', 'GET', `/deployments/${id}`);
    expect(json.deployment.steps.map((s: { name: string; state: string }) => `${s.name} ${s.state}`)).toEqual(['queued done', 'fetch done', 'build failed', 'failed failed']);
    expect(json.deployment.steps[1]).toMatchObject({ label: 'Fetch source', startedAt: expect.any(String), finishedAt: expect.any(String), seconds: expect.any(Number) });
  });

  it('the page\'s stream sends the steps again as each begins', async () => {
    const { app, cookies, id, steps, deps } = await webDeployment();
    const res = await app.request(`/deployments/${id}/events`, { headers: { Cookie: cookies.owner } });
    const stream = readEvents(res);
    await new Promise((r) => setTimeout(r, 50));
    await steps.begin('queued');
    await steps.end('done');
    await transitionDeployment(deps.db, id, 'building');
    await deps.logBus.status(id, 'building');
    await steps.begin('fetch');
    await new Promise((r) => setTimeout(r, 50));
    expect(stream.text()).toMatch(/event: steps\ndata: .*data-step="fetch" data-state="running"/);
    await transitionDeployment(deps.db, id, 'failed', { failure_reason: 'no such branch' });
    await steps.end('failed');
    await deps.logBus.status(id, 'failed', 'no such branch');
    const text = await stream.finished;
    const last = [...text.matchAll(/event: steps\ndata: (.*)/g)].at(-1)![1];
    expect(last).toContain('data-step="fetch" data-state="failed"');
    expect(last).toContain('data-step="failed"');
  });
});
