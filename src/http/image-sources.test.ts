// App tier: an image-source service or a database named after an image Spur built (a retag on the
// daemon, which the name check cannot see) is refused at creation, and nothing is created.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Deps } from '../deps.js';
import type { createApp } from './app.js';
import { apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof apiAs>;

/** The daemon as the check sees it: `myapp:latest` is a retag of a Spur-built image, others are absent. */
function daemonWithRetag() {
  vi.spyOn(deps.docker, 'getImage').mockImplementation(
    (ref: string) =>
      ({
        inspect: async () => {
          if (ref === 'myapp:latest' || ref === 'myapp') return { Id: `sha256:${'a'.repeat(64)}`, Config: { Labels: { 'spur.managed': 'true', 'spur.project': 'victim' } } };
          throw Object.assign(new Error(`No such image: ${ref}`), { statusCode: 404 });
        },
      }) as never,
  );
}

beforeEach(async () => {
  ({ deps, app } = await makeTestApp());
  const { tokens } = await ownerAndMember(deps);
  call = apiAs(app, tokens);
  expect((await call('owner', 'POST', '/projects', { name: 'shop' })).status).toBe(201);
  daemonWithRetag();
});

describe('an image-source service', () => {
  it('is refused when the daemon resolves its image to one Spur built', async () => {
    for (const image of ['myapp:latest', 'myapp']) {
      const res = await call('owner', 'POST', '/projects/shop/services', { name: 'web', image, port: 3000 });
      expect(res.status, image).toBe(400);
      expect(res.json.error).toMatch(new RegExp(`image: ${image} is an image Spur built; use a public image`));
    }
    expect((await call('owner', 'GET', '/projects/shop')).json.services).toEqual([]);
  });
  it('is created for a public image', async () => {
    expect((await call('owner', 'POST', '/projects/shop/services', { name: 'web', image: 'nginx:1.27', port: 3000 })).status).toBe(201);
  });
});

describe('a database with an image of the user\'s', () => {
  it('is refused when the daemon resolves its image to one Spur built', async () => {
    (deps as { daemon: Deps['daemon'] }).daemon = { state: { reachable: true, swarm: true }, ready: true } as Deps['daemon'];
    const res = await call('owner', 'POST', '/projects/shop/databases', { name: 'pg', engine: 'postgres', image: 'myapp:latest' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/image: myapp:latest is an image Spur built/);
    expect(await deps.db.selectFrom('databases').selectAll().execute()).toEqual([]);
  });
});
