// The Swarm services Spur runs for itself (Traefik) follow Spur's spec across upgrades: created
// once, left alone while the spec is the same, updated when a new Spur changes it.
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../src/docker/client.js';
import { NotOwned, SPEC_DIGEST_LABEL, ensureServiceSpec, relabelService } from '../src/docker/swarm.js';
import { BASE_IMAGE, docker, uniqueName } from './harness.js';

const name = uniqueName('spur-own-');
const foreign = uniqueName('spur-own-foreign-');
const client = createDockerClient('/var/run/docker.sock');
const spec = (args: string[]) => ({
  Name: name,
  Labels: { 'spur.managed': 'true' },
  TaskTemplate: { ContainerSpec: { Image: BASE_IMAGE, Command: ['sleep'], Args: args } },
  Mode: { Replicated: { Replicas: 1 } },
});
const inspect = async () => JSON.parse(await docker('service', 'inspect', name))[0].Spec;

afterAll(async () => {
  await docker('service', 'rm', name).catch(() => undefined);
  await docker('service', 'rm', foreign).catch(() => undefined);
});

describe("Spur's own services", () => {
  it('are created, left alone while the spec is the same, and updated when it changes', async () => {
    expect(await ensureServiceSpec(client, spec(['3600']))).toBe('created');
    const first = await inspect();
    expect(first.TaskTemplate.ContainerSpec.Args).toEqual(['3600']);
    expect(await ensureServiceSpec(client, spec(['3600']))).toBe('unchanged');
    expect((await inspect()).Labels[SPEC_DIGEST_LABEL]).toBe(first.Labels[SPEC_DIGEST_LABEL]);
    // A newer Spur adds an argument (as the file provider was added to Traefik's).
    expect(await ensureServiceSpec(client, spec(['3601']))).toBe('updated');
    const second = await inspect();
    expect(second.TaskTemplate.ContainerSpec.Args).toEqual(['3601']);
    expect(second.Labels[SPEC_DIGEST_LABEL]).not.toBe(first.Labels[SPEC_DIGEST_LABEL]);
    expect(second.Labels['spur.managed']).toBe('true');
  }, 60_000);

  it('are not changed when a service of that name was not made by Spur', async () => {
    await docker('service', 'create', '--detach', '--name', foreign, '--label', 'spur.test=own-services', BASE_IMAGE, 'sleep', '3600');
    await expect(ensureServiceSpec(client, { ...spec(['1']), Name: foreign })).rejects.toThrow(NotOwned);
    const kept = JSON.parse(await docker('service', 'inspect', foreign))[0].Spec;
    expect(kept.TaskTemplate.ContainerSpec.Args).toEqual(['sleep', '3600']);
    expect(kept.Labels['spur.managed']).toBeUndefined();
  }, 60_000);

  it('take relabels that arrive at once: each is applied on the version it finds, none is refused', async () => {
    // Two writers (a domain change and a certificate arriving) relabel the same service together.
    const routers = ['a', 'b', 'c', 'd'].map((r) => ({ [`traefik.http.routers.${r}.rule`]: `Host(\`${r}.example.test\`)` }));
    const results = await Promise.allSettled(routers.map((labels) => relabelService(client, name, labels)));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'applied'))).toEqual(['applied', 'applied', 'applied', 'applied']);
    const labels = (await inspect()).Labels as Record<string, string>;
    const traefik = Object.keys(labels).filter((k) => k.startsWith('traefik.'));
    expect(traefik).toHaveLength(1);
    expect(labels['spur.managed']).toBe('true');
  }, 60_000);
});
