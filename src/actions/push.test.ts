// A push's deployments are recorded in the audit log as the door that told of the push says:
// by the key's owner through git-push (with the pusher's address), or by a git host's webhook.
import { describe, expect, it } from 'vitest';
import { makeTestDeps } from '../../test/app-fixture.js';
import type { Deployment } from '../db/schema.js';
import { listAuditEntries } from '../store/audit.js';
import { createProject } from '../store/projects.js';
import { createService } from '../store/services.js';
import { createUser } from '../store/users.js';
import { type Push, receivePush } from './push.js';

async function pushTo(who: Push['who'], options: { protect?: boolean; steps?: string[] } = {}) {
  const deps = await makeTestDeps();
  deps.daemon = { state: { reachable: true, swarm: true }, ready: true } as typeof deps.daemon;
  deps.deployer = { ...deps.deployer, request: async () => ({ id: 41, source_deployment_id: null }) as Deployment };
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  const project = await createProject(deps.db, 'shop', owner.id);
  const service = await createService(deps.db, { project, name: 'api', source: { type: 'push', branch: 'main' } });
  if (!options.protect) await deps.db.updateTable('environments').set({ protected: 0 }).execute();
  if (!('kind' in who) && who.role !== 'owner') await deps.db.insertInto('project_members').values({ project_id: project.id, user_id: (await createUser(deps.db, { email: who.email, passwordHash: 'x', role: 'member' })).id, role: who.role as 'developer' }).execute();
  const steps = [];
  for await (const step of receivePush(deps, { service, branch: 'main', commit: 'a'.repeat(40), changedPaths: async () => undefined, by: { trigger: 'test' }, who })) steps.push(step.kind);
  expect(steps).toEqual(options.steps ?? ['deploying']);
  return (await listAuditEntries(deps.db)).map((e) => ({ kind: e.actor_kind, email: e.actor_email, action: e.action, object: e.object_name, via: e.via, address: e.address, after: e.after && JSON.parse(e.after) }));
}

describe('a pushed deployment in the audit log', () => {
  it('names the pusher, git-push and their address', async () => {
    const entries = await pushTo({ id: 1, email: 'o@example.com', role: 'owner', origin: { via: 'git-push', address: '192.0.2.7' } });
    expect(entries).toEqual([{ kind: 'user', email: 'o@example.com', action: 'deploy', object: 'shop/api (production)', via: 'git-push', address: '192.0.2.7', after: { deployment: 41, commit: 'a'.repeat(40) } }]);
  });

  it('names the git host when a webhook told', async () => {
    const entries = await pushTo({ kind: 'webhook', name: 'github', via: 'webhook', address: '140.82.112.1' });
    expect(entries).toEqual([{ kind: 'webhook', email: 'github', action: 'deploy', object: 'shop/api (production)', via: 'webhook', address: '140.82.112.1', after: { deployment: 41, commit: 'a'.repeat(40) } }]);
  });

  it('asks in a protected environment: a developer\'s push and a webhook become deploy requests naming the commit; an admin\'s deploys', async () => {
    const developer = await pushTo({ id: 2, email: 'd@example.com', role: 'developer', origin: { via: 'git-push', address: '192.0.2.7' } }, { protect: true, steps: ['requested'] });
    expect(developer).toEqual([{ kind: 'user', email: 'd@example.com', action: 'request.create', object: '#1 deploy shop/api (production)', via: 'git-push', address: '192.0.2.7', after: { kind: 'deploy', commit: 'a'.repeat(40), expiresAt: expect.any(String) } }]);
    const hook = await pushTo({ kind: 'webhook', name: 'github', via: 'webhook', address: '140.82.112.1' }, { protect: true, steps: ['requested'] });
    expect(hook).toEqual([{ kind: 'webhook', email: 'github', action: 'request.create', object: '#1 deploy shop/api (production)', via: 'webhook', address: '140.82.112.1', after: { kind: 'deploy', commit: 'a'.repeat(40), expiresAt: expect.any(String), by: 'webhook' } }]);
    expect((await pushTo({ id: 1, email: 'o@example.com', role: 'owner', origin: { via: 'git-push', address: '192.0.2.7' } }, { protect: true }))[0].action).toBe('deploy');
  });
});
