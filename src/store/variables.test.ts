// An environment's variables read for many services at once, as one service's are read.
import { describe, expect, it } from 'vitest';
import { makeTestDeps, ownerAndMember } from '../../test/app-fixture.js';
import { createProject, listEnvironments } from './projects.js';
import { createService } from './services.js';
import { readVariables, readVariablesOf, setVariables } from './variables.js';

describe('readVariablesOf', () => {
  it('gives each service its variables in clear, as readVariables does, in one query, even one named __proto__', async () => {
    const deps = await makeTestDeps();
    const { db, key } = deps;
    const { owner } = await ownerAndMember(deps);
    const project = await createProject(db, 'shop', owner.id);
    const [production] = await listEnvironments(db, project.id);
    const source = { type: 'git' as const, gitUrl: 'git@example.com:a/b.git' };
    const web = await createService(db, { project, name: 'web', source });
    const api = await createService(db, { project, name: 'api', source });
    const idle = await createService(db, { project, name: 'idle', source });
    await setVariables(db, key, { serviceId: web.id, environmentId: production!.id }, { B: 'two', A: 'one', ['__proto__']: 'kept' });
    await setVariables(db, key, { serviceId: api.id, environmentId: production!.id }, { URL: '${{web.A}}' });
    const all = await readVariablesOf(db, key, production!.id, [web.id, api.id, idle.id]);
    expect(all.get(web.id)).toEqual(await readVariables(db, key, { serviceId: web.id, environmentId: production!.id }));
    expect(Object.entries(all.get(web.id)!)).toEqual([['A', 'one'], ['B', 'two'], ['__proto__', 'kept']]);
    expect(all.get(api.id)).toEqual({ URL: '${{web.A}}' });
    expect(all.get(idle.id)).toEqual({});
    expect((await readVariablesOf(db, key, production!.id, [])).size).toBe(0);
  });
});
