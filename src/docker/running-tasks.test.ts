import { describe, expect, it } from 'vitest';
import type { DockerClient } from './client.js';
import { RunningTasks } from './running-tasks.js';

const task = (project: string, service: string, state = 'running', managed = 'true') => ({
  Status: { State: state },
  Spec: { ContainerSpec: { Labels: { 'spur.managed': managed, 'spur.project': project, 'spur.service': service, 'spur.environment': 'production' } } },
});

describe('RunningTasks', () => {
  it('counts running tasks of Spur services by Swarm name, from one listing shared while fresh', async () => {
    let listings = 0;
    const docker = { listTasks: async () => (listings++, [task('shop', 'web'), task('shop', 'web'), task('shop', 'web', 'starting'), task('shop', 'api'), task('x', 'y', 'running', 'false')]) } as unknown as DockerClient;
    const tasks = new RunningTasks(docker, 60_000);
    const [a, b] = await Promise.all([tasks.counts(), tasks.counts()]);
    expect(a).toBe(b);
    expect(Object.fromEntries(a)).toEqual({ spur_shop_web_production: 2, spur_shop_api_production: 1 });
    await tasks.counts();
    expect(listings).toBe(1);
    const stale = new RunningTasks(docker, 0);
    await stale.counts();
    await stale.counts();
    expect(listings).toBe(3);
  });
});
