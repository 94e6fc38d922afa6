// End to end: whose X-Forwarded-For the real Spur believes. When Spur serves its own domain,
// Traefik (the Swarm service spur-traefik) reaches Spur at the host's docker_gwbridge address, so
// Spur sees Traefik's address on that bridge as the peer of every client. A stand-in for Traefik
// (a busybox task of a service of that name, labelled as Spur labels its own) and an impostor
// (another Spur-labelled service on spur-edge) post logins from inside their containers with the
// header a proxy would add; the tests read the answers, and what Docker reports on the bridge.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../src/docker/client.js';
import { gatewayBridgeAddresses } from '../src/docker/daemon.js';
import { EDGE_NETWORK } from '../src/docker/names.js';
import { TRAEFIK_SERVICE } from '../src/routing/traefik-service.js';
import { type SpurProcess, docker, startSpur, uniqueName } from './harness.js';

const run = promisify(execFile);
const IMPOSTOR = uniqueName('proxy-impostor-');
let spur: SpurProcess;
let gateway = '';
const containerOf: Record<string, string> = {};
const created: string[] = [];

async function startTask(name: string): Promise<string> {
  await docker('service', 'create', '--detach', '--name', name, '--label', 'spur.managed=true', '--label', 'spur.test=trusted-proxy', '--container-label', 'spur.managed=true', '--network', EDGE_NETWORK, 'busybox:1.37', 'sleep', '600');
  created.push(name);
  for (let i = 0; i < 60; i++) {
    const id = await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name}`, '--filter', 'status=running');
    if (id) return id.split('\n')[0];
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the task of ${name} did not start`);
}

beforeAll(async () => {
  // The stand-in takes Traefik's service name; never take over one this test did not make.
  const existing = await docker('service', 'ls', '-q', '--filter', `name=${TRAEFIK_SERVICE}`);
  if (existing) throw new Error(`a service named ${TRAEFIK_SERVICE} already runs on this Swarm; this test needs that name for its stand-in and cannot run`);
  spur = await startSpur();
  gateway = await docker('network', 'inspect', 'docker_gwbridge', '--format', '{{(index .IPAM.Config 0).Gateway}}');
  containerOf.traefik = await startTask(TRAEFIK_SERVICE);
  containerOf.impostor = await startTask(IMPOSTOR);
}, 180_000);

afterAll(async () => {
  if (created.length) await docker('service', 'rm', ...created).catch(() => {});
  await spur?.stop();
});

/** A wrong login posted from inside `who`'s container, saying it forwards for `forwardedFor`. */
async function postLogin(who: 'traefik' | 'impostor', forwardedFor: string, email: string): Promise<number> {
  const url = `http://${gateway}:${new URL(spur.url).port}/login`;
  const args = ['exec', containerOf[who], 'busybox', 'wget', '-S', '-O', '/dev/null', '--header', `X-Forwarded-For: ${forwardedFor}`, '--header', `Origin: http://${gateway}:${new URL(spur.url).port}`, '--post-data', `email=${encodeURIComponent(email)}&password=wrong`, url];
  const out = await run('docker', args, { timeout: 30_000 }).then(
    (r) => r.stderr,
    (err: { stderr?: string }) => err.stderr ?? '',
  );
  const status = /HTTP\/1\.1 (\d{3})/.exec(out)?.[1];
  if (!status) throw new Error(`no answer from Spur at ${url}: ${out}`);
  return Number(status);
}

describe("X-Forwarded-For from Spur's own proxy only", () => {
  it("Docker names the stand-in Traefik's bridge address, and not the impostor's", async () => {
    const ownAddress = async (container: string) =>
      (await docker('network', 'inspect', 'docker_gwbridge', '--format', `{{(index .Containers "${await docker('inspect', '--format', '{{.Id}}', container)}").IPv4Address}}`)).replace(/\/\d+$/, '');
    const addresses = await gatewayBridgeAddresses(createDockerClient('/var/run/docker.sock'), TRAEFIK_SERVICE);
    expect(addresses).toEqual([await ownAddress(containerOf.traefik)]);
    expect(addresses).not.toContain(await ownAddress(containerOf.impostor));
  }, 60_000);

  it("counts clients behind Traefik apart by the address it appends, and a forged one buys nothing", async () => {
    const attacker: number[] = [];
    for (let i = 0; i < 11; i++) attacker.push(await postLogin('traefik', `10.0.0.${i}, 198.51.100.66`, `guess${i}@example.com`));
    expect(attacker).toEqual([...Array(10).fill(401), 429]);
    // Another client behind the same Traefik is not locked out with the attacker.
    expect(await postLogin('traefik', '198.51.100.2', 'someone@example.com')).toBe(401);
  }, 120_000);

  it('counts a peer that is not the proxy by its own address, whatever client it names', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 11; i++) answers.push(await postLogin('impostor', `198.51.100.${100 + i}`, `probe${i}@example.com`));
    expect(answers).toEqual([...Array(10).fill(401), 429]);
  }, 120_000);
});
