// Spur's Traefik upgraded on start against the real Swarm. Traefik cannot be pulled here, so a
// stand-in (a node HTTP server saying its version) is tagged traefik:v3.5 and traefik:v3.6.13;
// Spur's decision, pull check, update settings and Swarm's handling of them are real, Traefik's
// routing is not exercised. The service publishes a free port in host mode, as Traefik's 80/443.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../src/docker/client.js';
import { NotOwned } from '../src/docker/swarm.js';
import { silentLog } from '../src/log.js';
import { ensureTraefik } from '../src/routing/ensure-traefik.js';
import { traefikServiceSpec } from '../src/routing/traefik-service.js';
import { BASE_IMAGE, docker, freePort, removeDir, uniqueName } from './harness.js';

const OLD = 'traefik:v3.5';
const NEW = 'traefik:v3.6.13';
const STAND_IN = 'spur.test=traefik-standin';
const client = createDockerClient('/var/run/docker.sock');
const name = uniqueName('spur-test-traefik-');
const foreign = uniqueName('spur-test-traefik-foreign-');
let port = 0;
const made: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'spur-traefik-standin-'));

/** Spur's own Traefik spec with the stand-in's command and a test port in place of 80/443. */
function spec(image: string) {
  const real = traefikServiceSpec({ image, traefikDir: dir });
  const { Mounts: _m, Args: _a, ...container } = real.TaskTemplate.ContainerSpec;
  return {
    ...real,
    Name: name,
    TaskTemplate: { ...real.TaskTemplate, Networks: [], ContainerSpec: { ...container, Labels: { ...container.Labels, 'spur.test': 'traefik-upgrade' } } },
    EndpointSpec: { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: port, PublishMode: 'host' }] },
  };
}

const labelOf = async (ref: string) => docker('image', 'inspect', '--format', '{{index .Config.Labels "spur.test"}}', ref).catch(() => undefined);

beforeAll(async () => {
  for (const tag of [OLD, NEW]) {
    const label = await labelOf(tag);
    if (label !== undefined && label !== 'traefik-standin') throw new Error(`${tag} on this daemon is not the test's stand-in; the test will not retag it`);
  }
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nARG V\nENV V=$V\nLABEL ${STAND_IN}\nCMD ["node", "-e", "require('http').createServer((q, s) => s.end(process.env.V)).listen(8080)"]\n`);
  for (const [tag, v] of [[OLD, '3.5'], [NEW, '3.6.13']]) {
    await docker('build', '-q', '-t', tag, '--build-arg', `V=${v}`, dir);
    made.push(tag);
  }
  port = await freePort();
}, 120_000);

afterAll(async () => {
  await docker('service', 'rm', name).catch(() => undefined);
  await docker('service', 'rm', foreign).catch(() => undefined);
  for (let i = 0; i < 30 && (await docker('ps', '-aq', '--filter', 'label=spur.test=traefik-upgrade')); i++) await new Promise((r) => setTimeout(r, 1000));
  for (const tag of made) if ((await labelOf(tag)) === 'traefik-standin') await docker('image', 'rm', tag).catch(() => undefined);
  removeDir(dir);
});

const answer = async () => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000), headers: { Connection: 'close' } });
    return await res.text();
  } catch {
    return undefined;
  }
};

/** Requests one after another until stopped: what answered, and the longest run without an answer. */
function requestLoop() {
  const seen: { at: number; body?: string }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      seen.push({ at: Date.now(), body: await answer() });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    running = false;
    await done;
    let gap = 0;
    let since: number | undefined;
    for (const s of seen) {
      if (s.body === undefined) since ??= s.at;
      else if (since !== undefined) {
        gap = Math.max(gap, s.at - since);
        since = undefined;
      }
    }
    return { seen, failed: seen.filter((s) => s.body === undefined).length, gap, last: seen.at(-1)?.body };
  };
}

const inspect = async (n = name) => JSON.parse(await docker('service', 'inspect', n))[0];

describe("Spur's Traefik on start", () => {
  it('upgrades an older Traefik it runs to the one it ships with, and leaves it alone after', async () => {
    // The Spur before this one made it with its default, traefik:v3.5.
    expect(await ensureTraefik(client, { name, spec, shipped: OLD, log: silentLog })).toMatchObject({ action: 'create', applied: 'created', image: OLD });
    await expect.poll(answer, { timeout: 60_000, interval: 500 }).toBe('3.5');

    const stop = requestLoop();
    const outcome = await ensureTraefik(client, { name, spec, shipped: NEW, log: silentLog });
    expect(outcome).toEqual({ action: 'upgrade', applied: 'updated', image: NEW, reason: 'traefik:v3.5 is older than the traefik:v3.6.13 Spur ships with' });
    await expect.poll(async () => (await inspect()).UpdateStatus?.State, { timeout: 90_000, interval: 500 }).toBe('completed');
    await expect.poll(answer, { timeout: 30_000, interval: 200 }).toBe('3.6.13');
    const load = await stop();

    const svc = await inspect();
    expect(svc.Spec.TaskTemplate.ContainerSpec.Image).toBe(NEW);
    expect(svc.Spec.Labels).toMatchObject({ 'spur.managed': 'true', 'spur.role': 'traefik' });
    expect(svc.Spec.UpdateConfig).toMatchObject({ Order: 'stop-first', FailureAction: 'rollback' });
    // Host-mode ports allow one task per node: the old one stops before the new one starts.
    // What a client saw: the old version, one gap while Traefik restarts, then only the new one.
    const phases = load.seen.map((s) => ({ '3.5': 'O', '3.6.13': 'N' })[s.body ?? ''] ?? '-').join('').replace(/(.)\1+/g, '$1');
    console.log(`traefik upgrade: ${load.seen.length} requests, ${load.failed} unanswered, longest gap ${load.gap} ms, phases ${phases}`);
    expect(phases).toMatch(/^O-?N$/);
    expect(load.gap).toBeLessThan(10_000);

    // The next start changes nothing and restarts nothing.
    const tasks = await docker('service', 'ps', '-q', name);
    expect(await ensureTraefik(client, { name, spec, shipped: NEW, log: silentLog })).toMatchObject({ action: 'keep', applied: 'unchanged' });
    expect(await docker('service', 'ps', '-q', name)).toBe(tasks);
  }, 240_000);

  it('keeps the running Traefik when the newer image cannot be pulled', async () => {
    const stop = requestLoop();
    const outcome = await ensureTraefik(client, { name, spec, shipped: 'traefik:v3.6.99', log: silentLog });
    await new Promise((r) => setTimeout(r, 3000));
    const load = await stop();
    expect(outcome).toMatchObject({ action: 'upgrade', applied: 'held', image: 'traefik:v3.6.99' });
    expect((await inspect()).Spec.TaskTemplate.ContainerSpec.Image).toBe(NEW);
    expect(load.failed).toBe(0);
    expect(load.last).toBe('3.6.13');
  }, 60_000);

  it('refuses a service of that name that Spur did not make', async () => {
    await docker('service', 'create', '--detach', '--name', foreign, '--label', 'spur.test=traefik-upgrade', OLD);
    await expect(ensureTraefik(client, { name: foreign, spec, shipped: NEW, log: silentLog })).rejects.toThrow(NotOwned);
    expect((await inspect(foreign)).Spec.TaskTemplate.ContainerSpec.Image).toBe(OLD);
  }, 60_000);
});
