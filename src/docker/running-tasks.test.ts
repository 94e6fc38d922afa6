import { describe, expect, it } from 'vitest';
import type { DockerClient } from './client.js';
import { RunningTasks } from './running-tasks.js';

const task = (project: string, service: string, state = 'running', managed = 'true') => ({
  DesiredState: 'running',
  Status: { State: state },
  Spec: { ContainerSpec: { Labels: { 'spur.managed': managed, 'spur.project': project, 'spur.service': service, 'spur.environment': 'production' } } },
});

describe('RunningTasks', () => {
  it('counts running tasks of Spur services by Swarm name, from one listing shared while fresh', async () => {
    let listings = 0;
    const docker = { listTasks: async () => (listings++, [task('shop', 'web'), task('shop', 'web'), task('shop', 'web', 'starting'), task('shop', 'api'), task('x', 'y', 'running', 'false')]) } as unknown as DockerClient;
    const tasks = new RunningTasks(docker, 60_000);
    const [a, b] = await Promise.all([tasks.counts(), tasks.counts()]);
    expect(a).toEqual(b);
    expect(Object.fromEntries(a)).toEqual({ spur_shop_web_production: 2, spur_shop_api_production: 1 });
    await tasks.counts();
    expect(listings).toBe(1);
    const stale = new RunningTasks(docker, 0);
    await stale.counts();
    await stale.counts();
    expect(listings).toBe(3);
  });

  it("says why a service or database has nothing running, from the same listing (every task, not only running ones)", async () => {
    const db = (state: string, desired: string, at: string) => ({ DesiredState: desired, Slot: 1, Status: { State: state, Timestamp: at, Err: state === 'rejected' ? 'No such image: pg:99' : undefined }, Spec: { ContainerSpec: { Labels: { 'spur.managed': 'true', 'spur.project': 'shop', 'spur.environment': 'production', 'spur.database': 'pg' } } } });
    const docker = { listTasks: async () => [task('shop', 'web'), db('rejected', 'shutdown', '2026-01-01T00:00:01Z'), db('rejected', 'ready', '2026-01-01T00:00:06Z')] } as unknown as DockerClient;
    const summary = await new RunningTasks(docker, 0).summary();
    expect(Object.fromEntries(summary)).toEqual({ spur_shop_web_production: { running: 1 }, spur_shop_pg_production: { running: 0, problem: 'Docker cannot find the image pg:99' } });
  });
});
