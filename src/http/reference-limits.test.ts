// App tier: reference variables cannot multiply into a value no container could hold. A value is
// refused when it is saved (API and form) and a deployment fails before its build when a change
// elsewhere made one grow too large, each time naming the variable that went over. No Docker.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { runDeployment } from '../deploy/pipeline.js';
import type { PipelineDeps } from '../deploy/steps.js';
import { getDeployment, queueDeployment } from '../store/deployments.js';
import type { createApp } from './app.js';
import { ORIGIN, type apiAs, shopWithWeb } from '../../test/app-fixture.js';

const KiB = 1024;
let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof apiAs>;
let cookie = '';

beforeEach(async () => {
  let cookies: { owner: string };
  ({ deps, app, call, cookies } = await shopWithWeb());
  cookie = cookies.owner;
});

/** The review's values: 32 KiB of `${{shared.X}}`, each level multiplying the one below. */
const times = (ref: string) => ref.repeat(Math.floor((32 * KiB) / ref.length));

describe('reference variables that multiply', () => {
  it('are refused when saved through the API, naming the variable, and nothing is stored', async () => {
    expect((await call('owner', 'PUT', '/projects/shop/shared-variables', { A: 'a'.repeat(32 * KiB) })).status).toBe(200);
    const chain = await call('owner', 'PUT', '/projects/shop/shared-variables', { B: times('${{shared.A}}'), C: times('${{shared.B}}') });
    expect(chain.status).toBe(400);
    expect(chain.json.error).toBe('shared.B resolves to more than 64 KiB once its references are replaced; a value may hold at most 64 KiB after that');
    expect(Object.keys((await call('owner', 'GET', '/projects/shop/shared-variables')).json.variables)).toEqual(['A']);

    const service = await call('owner', 'PUT', '/projects/shop/services/web/variables', { X: times('${{shared.A}}') });
    expect(service.status).toBe(400);
    expect(service.json.error).toMatch(/^web\.X resolves to more than 64 KiB/);
  });

  it('let a value through that resolves to 64 KiB, and refuse one byte more from the form', async () => {
    expect((await call('owner', 'PUT', '/projects/shop/shared-variables', { HALF: 'h'.repeat(32 * KiB) })).status).toBe(200);
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { X: '${{shared.HALF}}${{shared.HALF}}' })).status).toBe(200);
    const page = await (await app.request('/projects/shop/services/web/variables', { headers: { Cookie: cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const form = await app.request('/projects/shop/services/web/variables', {
      method: 'POST',
      headers: { Cookie: cookie, Origin: ORIGIN, 'HX-Request': 'true', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, key: 'Y', value: '${{shared.HALF}}${{shared.HALF}}!' }).toString(),
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('web.Y resolves to more than 64 KiB');
  });

  it('fail a deployment before its build when a shared value grew one past the limit, naming the variable', async () => {
    await call('owner', 'PUT', '/projects/shop/shared-variables', { HALF: 'h'.repeat(32 * KiB), REST: 'r'.repeat(32 * KiB) });
    expect((await call('owner', 'PUT', '/projects/shop/services/web/variables', { X: '${{shared.HALF}}${{shared.REST}}' })).status).toBe(200);
    // Fine on its own (32 KiB and one byte): the shared variables are checked against their own references.
    expect((await call('owner', 'PUT', '/projects/shop/shared-variables', { REST: '${{shared.HALF}}!' })).status).toBe(200);
    // Asked through the API, the deploy is refused at once, naming the variable.
    deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as Deps['daemon'];
    const queued: unknown[] = [];
    deps.deployer.request = async (req) => (queued.push(req), ({ id: 1 }) as never);
    const refused = await call('owner', 'POST', '/projects/shop/services/web/deployments');
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('web.X resolves to more than 64 KiB once its references are replaced; a value may hold at most 64 KiB after that');
    expect(queued).toEqual([]);
    // A deployment that starts anyway (a webhook's, a push's queued before the change) fails before its build.
    const scope = await deps.db.selectFrom('service_instances').select(['service_id', 'environment_id']).executeTakeFirstOrThrow();
    const { deployment } = await queueDeployment(deps.db, { serviceId: scope.service_id, environmentId: scope.environment_id, trigger: 'test' });
    await runDeployment(deps as unknown as PipelineDeps, deployment.id, new AbortController().signal);
    const failed = await getDeployment(deps.db, deployment.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure_reason).toBe('variables: web.X resolves to more than 64 KiB once its references are replaced; a value may hold at most 64 KiB after that');
  });
});
