import { describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';
import { readVariables, setVariables } from './variables.js';
import { expiredPreviews, openPreview } from './previews.js';

async function world() {
  const { deps, call } = await shopWithWeb();
  expect((await call('owner', 'POST', '/projects/shop/environments', { name: 'staging' })).status).toBe(201);
  const project = await deps.db.selectFrom('projects').selectAll().where('name', '=', 'shop').executeTakeFirstOrThrow();
  await deps.db.updateTable('services').set({ previews_base: 'staging', git_branch: 'main' }).execute();
  const service = await deps.db.selectFrom('services').selectAll().executeTakeFirstOrThrow();
  const open = (pr: number, fork: boolean, variables: Record<string, string> = {}, withOthers = false) =>
    openPreview(deps.db, { project, service, pr, fork, head: 'a'.repeat(40), branch: 'main', expiresAt: new Date(Date.now() + 3600_000).toISOString(), max: 1, variables: { [service.id]: variables }, withOthers, provider: 'github', key: deps.key, protectedBase: false });
  return { deps, open, service };
}

describe('preview environments in the store', () => {
  it("cap forks' previews apart from the team's: outsiders cannot use up the team's", async () => {
    const { open } = await world();
    await open(1, true);
    await expect(open(2, true)).rejects.toThrow("shop has 1 preview of forks' pull requests, the most it may have at once");
    expect((await open(3, false)).made).toBe(true);
    await expect(open(4, false)).rejects.toThrow('shop has 1 preview, the most it may have at once');
    // An event of a preview that exists is no new preview.
    expect((await open(3, false)).made).toBe(false);
  });

  it('are past their expiry once their hours are over, with their project, and not before', async () => {
    const { deps, open } = await world();
    const { environment } = await open(6, false);
    expect(await expiredPreviews(deps.db, new Date().toISOString())).toEqual([]);
    const later = new Date(Date.now() + 2 * 3600_000).toISOString();
    expect((await expiredPreviews(deps.db, later)).map((p) => `${p.project.name}/${p.environment.name}`)).toEqual([`shop/${environment.name}`]);
  });

  it('drop what was copied into a preview once it turns out to be a fork', async () => {
    const { deps, open, service } = await world();
    const { environment } = await open(5, false, { GREETING: 'copied' });
    const scope = { serviceId: service.id, environmentId: environment.id };
    expect(await readVariables(deps.db, deps.key, scope)).toEqual({ GREETING: 'copied' });
    const after = await open(5, true);
    expect(after.environment.preview_fork).toBe(1);
    expect(await readVariables(deps.db, deps.key, scope)).toEqual({});
    // Once a fork, always: a later event that says otherwise changes nothing.
    await setVariables(deps.db, deps.key, scope, {});
    expect((await open(5, false)).environment.preview_fork).toBe(1);
  });

  it("hold the base's other services when the whole project is previewed, and never for a fork", async () => {
    const { deps, open } = await world();
    await deps.db.insertInto('services').values({ project_id: 1, name: 'api', source_type: 'image', git_url: null, git_branch: null, root_dir: null, dockerfile_path: null, image: 'nginx', created_at: new Date().toISOString(), deploy_key_private_sealed: null, deploy_key_public: null, https_token_sealed: null, webhook_secret_sealed: null }).execute();
    const api = await deps.db.selectFrom('services').selectAll().where('name', '=', 'api').executeTakeFirstOrThrow();
    const staging = await deps.db.selectFrom('environments').selectAll().where('name', '=', 'staging').executeTakeFirstOrThrow();
    const web = await deps.db.selectFrom('service_instances').selectAll().where('environment_id', '=', staging.id).executeTakeFirstOrThrow();
    await deps.db.insertInto('service_instances').values({ ...web, service_id: api.id, domain_label: 'api-shop-staging' }).execute();
    const instancesOf = async (environmentId: number) => (await deps.db.selectFrom('service_instances').select('service_id').where('environment_id', '=', environmentId).orderBy('service_id').execute()).map((i) => i.service_id);
    const whole = await open(7, false, {}, true);
    expect(whole.others).toEqual([{ id: api.id, name: 'api' }]);
    expect(await instancesOf(whole.environment.id)).toEqual([web.service_id, api.id]);
    const fork = await open(8, true, {}, true);
    expect(fork.others).toEqual([]);
    expect(await instancesOf(fork.environment.id)).toEqual([web.service_id]);
  });
});
