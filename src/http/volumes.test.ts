// App tier: a service volume's Docker volume is named once, when the volume is added, with a
// random part; a volume, service or project made again with the same names gets a new one, so it
// never mounts what a deleted one kept.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import type { createApp } from './app.js';
import { apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  const { tokens } = await ownerAndMember(deps);
  const as = apiAs(app, tokens);
  call = (method, path, body) => as('owner', method, path, body);
});

async function projectWithVolume(): Promise<string> {
  expect((await call('POST', '/projects', { name: 'shop' })).status).toBe(201);
  expect((await call('POST', '/projects/shop/services', { name: 'web', image: 'nginx' })).status).toBe(201);
  const added = await call('POST', '/projects/shop/services/web/volumes', { name: 'data', mountPath: '/data' });
  expect(added.status).toBe(201);
  return added.json.volume.dockerVolume;
}

describe('service volumes', () => {
  it('a project re-made with a deleted one\'s names gets a new Docker volume for the same volume', async () => {
    const first = await projectWithVolume();
    expect(first).toMatch(/^spur_shop_web_production_v_data_[0-9a-f]{12}$/);
    // What deleting a project does to the records once Docker's objects are gone (the volume stays).
    await deps.db.deleteFrom('projects').where('name', '=', 'shop').execute();
    const second = await projectWithVolume();
    expect(second).toMatch(/^spur_shop_web_production_v_data_[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
    expect((await call('GET', '/projects/shop/services/web/volumes')).json.volumes).toEqual([{ name: 'data', mountPath: '/data', dockerVolume: second, createdAt: expect.any(String) }]);
  });

  it('a volume removed and added again gets a new Docker volume; the removal names the one that keeps the data', async () => {
    const first = await projectWithVolume();
    const removed = await call('DELETE', '/projects/shop/services/web/volumes/data');
    expect(removed).toEqual({ status: 200, json: { removed: 'data', dockerVolume: first } });
    const again = await call('POST', '/projects/shop/services/web/volumes', { name: 'data', mountPath: '/data' });
    expect(again.status).toBe(201);
    expect(again.json.volume.dockerVolume).not.toBe(first);
  });
});
