import { describe, expect, it, vi } from 'vitest';
import type { DockerClient } from './client.js';
import { RunningTasks } from './running-tasks.js';
import { AHEAD_MS } from './shared-listing.js';

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

  it('is taken again ahead of time while pages keep asking: they are answered at once, never from a listing older than its age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let listings = 0;
      let release: () => void = () => {};
      const docker = { listTasks: () => (listings++, listings === 1 ? Promise.resolve([task('shop', 'web')]) : new Promise((r) => (release = () => r([task('shop', 'web'), task('shop', 'web')])))) } as unknown as DockerClient;
      const tasks = new RunningTasks(docker, 2000);
      const web = async () => (await tasks.counts()).get('spur_shop_web_production');
      expect(await web()).toBe(1);
      // Not yet in the last AHEAD_MS of its age: answered from the listing it has, nothing taken.
      vi.advanceTimersByTime(2000 - AHEAD_MS - 100);
      expect(await web()).toBe(1);
      expect(listings).toBe(1);
      // In the last AHEAD_MS: answered from the listing it has, while one new listing is taken.
      vi.advanceTimersByTime(200);
      expect(await Promise.all([web(), web()])).toEqual([1, 1]);
      expect(listings).toBe(2);
      release();
      await new Promise((r) => setImmediate(r));
      expect(await web()).toBe(2);
      expect(listings).toBe(2);
      // Past its age, a page waits for a new listing rather than be shown an old one.
      vi.advanceTimersByTime(2100);
      let answered: number | undefined;
      const waiting = web().then((n) => (answered = n));
      await new Promise((r) => setImmediate(r));
      expect(listings).toBe(3);
      expect(answered).toBeUndefined();
      // This listing took longer than AHEAD_MS: the next one is not taken ahead, pages wait for it.
      vi.advanceTimersByTime(AHEAD_MS + 100);
      release();
      await waiting;
      expect(answered).toBe(2);
      vi.advanceTimersByTime(1000);
      expect(await web()).toBe(2);
      expect(listings).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("says why a service or database has nothing running, from the same listing (every task, not only running ones)", async () => {
    const db = (state: string, desired: string, at: string) => ({ DesiredState: desired, Slot: 1, Status: { State: state, Timestamp: at, Err: state === 'rejected' ? 'No such image: pg:99' : undefined }, Spec: { ContainerSpec: { Labels: { 'spur.managed': 'true', 'spur.project': 'shop', 'spur.environment': 'production', 'spur.database': 'pg' } } } });
    const docker = { listTasks: async () => [task('shop', 'web'), db('rejected', 'shutdown', '2026-01-01T00:00:01Z'), db('rejected', 'ready', '2026-01-01T00:00:06Z')] } as unknown as DockerClient;
    const summary = await new RunningTasks(docker, 0).summary();
    expect(Object.fromEntries(summary)).toEqual({ spur_shop_web_production: { running: 1 }, spur_shop_pg_production: { running: 0, problem: 'Docker cannot find the image pg:99' } });
  });
});
