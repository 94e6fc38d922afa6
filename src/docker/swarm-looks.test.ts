import { describe, expect, it } from 'vitest';
import type { DockerClient } from './client.js';
import { SwarmLooks } from './swarm-looks.js';

const service = (name: string, id: string) => ({ ID: id, Spec: { Name: name }, UpdateStatus: { State: 'updating' } });
const task = (serviceId: string, id: string) => ({ ID: id, ServiceID: serviceId, DesiredState: 'running', Status: { State: 'running', Timestamp: '2026-12-05T10:00:00Z' }, Spec: { ContainerSpec: { Labels: { 'spur.deployment': '7' } } } });

/** A daemon that counts its calls; its name filter matches prefixes, as Docker's does. */
function fakeDocker(services: ReturnType<typeof service>[], tasks: ReturnType<typeof task>[]) {
  const calls = { listServices: 0, listTasks: 0 };
  const docker = {
    listServices: async ({ filters }: { filters: { name: string[] } }) => {
      calls.listServices++;
      return services.filter((s) => filters.name.some((n) => s.Spec.Name.startsWith(n)));
    },
    listTasks: async ({ filters }: { filters: { service: string[] } }) => {
      calls.listTasks++;
      return tasks.filter((t) => filters.service.includes(t.ServiceID));
    },
  };
  return { docker: docker as unknown as DockerClient, calls };
}

describe('SwarmLooks', () => {
  it('answers every rollout that looks within a tick with two Engine API calls in all', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `spur_p_svc${i}_production`);
    const { docker, calls } = fakeDocker(names.map((n, i) => service(n, `s${i}`)), names.map((_, i) => task(`s${i}`, `t${i}`)));
    const looks = new SwarmLooks(docker, 10);
    const seen = await Promise.all(names.map((n) => looks.next(n)));
    expect(calls).toEqual({ listServices: 1, listTasks: 1 });
    expect(seen.map((l) => l.service!.Spec.Name)).toEqual(names);
    expect(seen.every((l, i) => l.tasks.length === 1 && l.tasks[0]!.id === `t${i}`)).toBe(true);
  });

  it('matches names exactly, and answers a missing service with none', async () => {
    const { docker } = fakeDocker([service('spur_p_web_production2', 'x'), service('spur_p_web_production', 'y')], [task('x', 'tx'), task('y', 'ty')]);
    const looks = new SwarmLooks(docker, 1);
    const [web, gone] = await Promise.all([looks.next('spur_p_web_production'), looks.next('spur_p_api_production')]);
    expect(web.service!.ID).toBe('y');
    expect(web.tasks.map((t) => t.id)).toEqual(['ty']);
    expect(gone).toEqual({ service: undefined, tasks: [] });
  });

  it('rejects every waiter of a tick when Docker fails, and looks again at the next', async () => {
    let fail = true;
    const docker = { listServices: async () => { if (fail) throw new Error('daemon gone'); return []; }, listTasks: async () => [] } as unknown as DockerClient;
    const looks = new SwarmLooks(docker, 1);
    await expect(Promise.all([looks.next('a'), looks.next('b')])).rejects.toThrow('daemon gone');
    fail = false;
    expect(await looks.next('a')).toEqual({ service: undefined, tasks: [] });
  });
});
