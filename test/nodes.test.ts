// A second server, enrolled over real SSH into the real Swarm: bad addresses, wrong keys and
// foreign systems refused with nothing changed; a 2-replica service spread over both servers with
// its image sent without a registry; drained under load with no failed request; a changed host
// key refused; removed, leaving a one-node Swarm. Runs alone: while the second server is in the
// Swarm, other files' services could be placed on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles, startGitServer } from './fixtures/git-server.js';
import { startRegistry } from './fixtures/registry.js';
import { NODE2, authorizeOnNode2, copyImageToNode2, node2Docker, node2HostKeyFingerprint, pretendNode2Os, replaceNode2HostKey, startSecondNode, stopSecondNode } from './fixtures/second-node.js';
import { type SpurProcess, api, cleanupProject, cli, docker, loginCli, probe, startLoadProbe, startSpur, uniqueName } from './harness.js';
import { expectReadmeWalked } from './readme.js';

let git: GitServer;
let spur: SpurProcess;
let call: ReturnType<typeof api>;
let repo: ReturnType<typeof createRepo>;
let publicKey: string;
const project = uniqueName('nodes');
const network = `spur_${project}_production`;
const service = `spur_${project}_web_production`;
/** The `spur …` lines run, as the README writes them (its project is "shop"). */
const walked: string[] = [];

/** Runs the CLI and notes the line, so the README's "A second server" can be checked against it. */
function spurCli(args: string[]) {
  walked.push(['spur', ...args].join(' ').replaceAll(project, 'shop').replaceAll(NODE2.host, '<host>'));
  return cli(spur, args);
}

async function swarmNodes(): Promise<{ id: string; hostname: string; state: string; availability: string; labels: Record<string, string> }[]> {
  const ids = (await docker('node', 'ls', '-q')).split('\n').filter(Boolean);
  return Promise.all(ids.map(async (id) => {
    const n = JSON.parse(await docker('node', 'inspect', id))[0];
    return { id, hostname: n.Description.Hostname, state: n.Status.State, availability: n.Spec.Availability, labels: n.Spec.Labels ?? {} };
  }));
}

/** Hostnames of the nodes running the service's tasks, one entry per running task. */
async function runningOn(): Promise<string[]> {
  const out = await docker('service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}');
  return out.split('\n').filter((l) => /Running/.test(l)).map((l) => l.split(' ')[0]!).sort();
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The Swarm's worker join token now: what a machine that has it joins with. */
const workerToken = async () => (await docker('swarm', 'join-token', '--quiet', 'worker')).trim();

async function enrollment(name: string) {
  return until(`enrollment of ${name}`, async () => (await call('GET', `/servers/${name}`)).json.server, (s) => s.status !== 'enrolling', 180_000);
}

beforeAll(async () => {
  await startSecondNode();
  authorizeOnNode2([]);
  git = await startGitServer();
  // One image kept per service: the build server's test sees an old one pruned there.
  // Metrics sampled every second: the second server is read over SSH every six.
  spur = await startSpur({ env: { ...git.spurEnv, SPUR_KEEP_IMAGES: '1', SPUR_METRICS_SAMPLE: '1' } });
  call = api(spur, await loginCli(spur));
  repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'v1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['settings', project, 'web', '--health', 'http', '--health-path', '/health', '--health-interval', '1', '--health-start-period', '2'])).code).toBe(0);
  publicKey = (await spurCli(['node', 'key'])).stdout.trim();
});

afterAll(async () => {
  const left = (await swarmNodes().catch(() => [])).filter((n) => n.hostname === 'spur-node2');
  await stopSecondNode().catch(() => {});
  for (const n of left) await docker('node', 'rm', '--force', n.id).catch(() => {});
  await spur?.stop();
  await git?.close();
  await cleanupProject(project);
});

describe('servers enrolled over SSH', () => {
  it('refuses addresses, ports and names that are not valid, recording nothing', async () => {
    for (const [body, field] of [
      [{ address: 'root@-oProxyCommand=touch /tmp/x' }, 'host'],
      [{ address: 'root@10.77.0.2; reboot' }, 'host'],
      [{ address: 'ro ot@10.77.0.2' }, 'user'],
      [{ address: 'root@10.77.0.2', port: 70000 }, 'port'],
      [{ address: 'root@10.77.0.2', port: '22 -v' }, 'port'],
      [{ address: 'root@10.77.0.2', name: 'Node_2' }, 'node name'],
      [{ address: 'root@10.77.0.2', name: 'manager' }, 'manager'],
    ] as const) {
      const res = await call('POST', '/servers', body);
      expect([400, 409], JSON.stringify(body)).toContain(res.status);
      expect(res.text, JSON.stringify(body)).toContain(field);
    }
    const cliRefusal = await cli(spur, ['node', 'add', 'root@bad_host']);
    expect(cliRefusal.code).toBe(1);
    expect(cliRefusal.stderr.trim().split('\n')).toHaveLength(1);
    const { servers } = (await call('GET', '/servers')).json;
    expect(servers.map((s: { role: string }) => s.role)).toEqual(['manager']);
  });

  it('refuses a server that does not have its key, one that does not answer, and one that is not Debian or Ubuntu; each says why and leaves the server as it was', async () => {
    const wrongKey = await cli(spur, ['node', 'add', `root@${NODE2.host}`, '--name', 'nokey']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain("root@10.77.0.2 refused Spur's key: add the key shown to ~root/.ssh/authorized_keys on the server");

    const unreachable = await call('POST', '/servers', { address: 'root@10.77.0.1', port: 1, name: 'closed' });
    expect(unreachable.status).toBe(202);
    expect((await enrollment('closed')).error).toMatch(/^Connecting to root@10.77.0.1:1: cannot reach 10.77.0.1:1 over SSH \(ECONNREFUSED\)/);

    // A password is read only with the host key it may be sent to; a host key given is compared
    // before anything is sent, and refused when it is not the server's.
    const noHostKey = await cli(spur, ['node', 'add', `root@${NODE2.host}`, '--name', 'pw', '--password-stdin'], {}, 'secret\n');
    expect(noHostKey.code).toBe(2);
    expect(noHostKey.stderr.trim().split('\n')).toHaveLength(1);
    expect(noHostKey.stderr).toContain('--password-stdin needs --host-key SHA256:…');
    expect(noHostKey.stderr).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    const fingerprint = await node2HostKeyFingerprint();
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const wrongHostKey = await cli(spur, ['node', 'add', `root@${NODE2.host}`, '--name', 'wrongkey', '--host-key', wrong, '--password-stdin'], {}, 'secret\n');
    expect(wrongHostKey.code).toBe(1);
    expect(wrongHostKey.stderr).toContain(`the host key of ${NODE2.host}:22 is ${fingerprint}, not ${wrong} as given: nothing was sent to it`);
    expect((await call('DELETE', '/servers/wrongkey')).status).toBe(200);

    authorizeOnNode2([publicKey]);
    const undo = await pretendNode2Os('NAME="Alpine Linux"\nID=alpine\nPRETTY_NAME="Alpine Linux v3.20"\n');
    try {
      const alpine = await cli(spur, ['node', 'add', `root@${NODE2.host}`, '--name', 'alpine']);
      expect(alpine.code).toBe(1);
      expect(alpine.stdout).toContain('▸ Checking the system');
      expect(alpine.stderr).toContain('Checking the system: Alpine Linux v3.20 is not supported: Spur enrolls Debian and Ubuntu servers');
    } finally {
      await undo();
    }
    expect(await node2Docker('info', '--format', '{{.Swarm.LocalNodeState}}')).toBe('inactive');
    expect((await swarmNodes()).map((n) => n.hostname)).not.toContain('spur-node2');
    // Failed servers are listed with their reason until removed (removing them is only forgetting),
    // or added again: the same address replaces the failed record.
    const listed = (await call('GET', '/servers')).json.servers as { name: string; status: string; error: string }[];
    expect(listed.filter((s) => s.status === 'failed').map((s) => s.name).sort()).toEqual(['alpine', 'closed']);
    expect((await call('DELETE', '/servers/closed')).status).toBe(200);
  });

  it('enrolls the server: pins its host key, installs the probe, joins it to the Swarm as a labelled worker', async () => {
    const tokenBefore = await workerToken();
    const added = await spurCli(['node', 'add', `root@${NODE2.host}`, '--name', 'node2']);
    expect(added.code, added.stderr + added.stdout).toBe(0);
    const fingerprint = await node2HostKeyFingerprint();
    expect(added.stdout).toContain(`host key ${fingerprint} (pinned`);
    expect(added.stdout).toContain('▸ Installing the health probe');
    expect(added.stdout).toContain('✓ node2 is ready');
    const node2 = (await swarmNodes()).find((n) => n.hostname === 'spur-node2');
    expect(node2).toMatchObject({ state: 'ready', availability: 'active', labels: { 'spur.node': 'node2', 'spur.enrolled': 'true' } });
    // The token node2 was handed joins nothing any more; the manager carries the label "any" needs.
    expect(await workerToken()).not.toBe(tokenBefore);
    expect((await swarmNodes()).find((n) => n.hostname !== 'spur-node2')!.labels).toMatchObject({ 'spur.enrolled': 'true' });
    expect(await node2Docker('info', '--format', '{{.Swarm.LocalNodeState}}')).toBe('active');
    const listed = (await call('GET', '/servers')).json.servers as { name: string; role: string; state: string; dockerVersion: string; hostKeyFingerprint: string }[];
    expect(listed.map((s) => [s.role, s.state])).toEqual([['manager', 'ready'], ['worker', 'ready']]);
    expect(listed[1]).toMatchObject({ name: 'node2', hostKeyFingerprint: fingerprint });
    expect(listed[1]!.dockerVersion).toMatch(/^\d+\./);
    for (const server of listed as unknown as { disk: { totalBytes: number; freeBytes: number } }[]) expect(server.disk.freeBytes).toBeGreaterThan(0);
    expect((await spurCli(['node', 'list'])).stdout).toMatch(/^node2\tworker\tready\tactive\troot@10\.77\.0\.2:22\tdocker \d/m);
  });

  it('spreads two replicas over both servers, the image sent to the second without a registry, both answering over the overlay', async () => {
    expect((await spurCli(['settings', project, 'web', '--replicas', '2'])).code).toBe(0);
    const deployed = await spurCli(['deploy', project, 'web']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/Sent the image to node2 in \d+\.\d s/);
    const manager = (await swarmNodes()).find((n) => n.hostname !== 'spur-node2')!.hostname;
    expect(await runningOn()).toEqual([manager, 'spur-node2'].sort());
    expect(JSON.parse(await docker('service', 'inspect', service))[0].Spec.TaskTemplate.Placement).toEqual({ Constraints: ['node.labels.spur.enrolled==true'] });
    const image = JSON.parse(await docker('service', 'inspect', service))[0].Spec.TaskTemplate.ContainerSpec.Image as string;
    expect(await node2Docker('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}')).toContain(image);
    const taskIps = await taskAddresses();
    expect(taskIps).toHaveLength(2);
    for (const ip of taskIps) {
      const seen = await probe(network, `http://${ip}:3000/`);
      expect(seen.body.trim(), seen.error).toBe('hello from v1');
    }
  });

  it("reads the second server's CPU, memory, disk and load over SSH, and counts web's task there in web's metrics", async () => {
    type Point = { cpu: number; memory: number; memoryLimit: number | null; disk?: number; diskSize?: number; load?: number; tasks: number };
    const latest = async (path: string) => ((await call('GET', path)).json.points as Point[] | undefined)?.at(-1);
    let server: Point | undefined;
    let web: Point | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      [server, web] = [await latest('/servers/node2/metrics?range=hour'), await latest(`/projects/${project}/services/web/metrics?range=hour`)];
      if (server && web?.tasks === 2) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(server, 'no point of node2 within 60 s').toBeDefined();
    expect(server!.memoryLimit).toBeGreaterThan(0);
    expect(server!.memory).toBeGreaterThan(0);
    expect(server!.diskSize).toBeGreaterThan(server!.disk!);
    expect(server!.load).toBeGreaterThanOrEqual(0);
    expect(server!.tasks).toBe(1);
    expect(web?.tasks, 'web counted with its task on node2').toBe(2);
    // Both tasks' memory: the Node app runs in more than 5 MiB each.
    expect(web!.memory).toBeGreaterThan(2 * 5 * 1024 * 1024);
  });

  it('drains the second server under load with no failed request; activated, it takes tasks again', async () => {
    const load = await startLoadProbe(network, 'http://web:3000/quiet');
    await new Promise((r) => setTimeout(r, 1000));
    const drained = await spurCli(['node', 'drain', 'node2']);
    await new Promise((r) => setTimeout(r, 2000));
    const seen = await load.stop();
    expect(drained.code, drained.stderr).toBe(0);
    expect(seen.failed, JSON.stringify(seen.errors)).toBe(0);
    expect(seen.ok).toBeGreaterThan(50);
    const manager = (await swarmNodes()).find((n) => n.hostname !== 'spur-node2')!.hostname;
    expect(await runningOn()).toEqual([manager, manager]);
    expect((await swarmNodes()).find((n) => n.hostname === 'spur-node2')!.availability).toBe('drain');

    const activated = await spurCli(['node', 'activate', 'node2']);
    expect(activated.code, activated.stderr).toBe(0);
    await until('a task back on node2', runningOn, (hosts) => hosts.includes('spur-node2') && hosts.length === 2);
  });

  it('refuses the server once it offers another host key: the deploy fails before its rollout and the running version keeps serving', async () => {
    const restore = await replaceNode2HostKey();
    try {
      repo.commit(helloAppFiles('v2'), 'v2');
      const deployed = await cli(spur, ['deploy', project, 'web']);
      expect(deployed.code).toBe(1);
      expect(deployed.stderr).toMatch(/could not send the image to node2: the host key of 10\.77\.0\.2:22 changed: pinned SHA256:\S+, offered SHA256:\S+/);
      const seen = await probe(network, 'http://web:3000/');
      expect(seen.body.trim()).toBe('hello from v1');
    } finally {
      await restore();
    }
  });

  it('keeps a service on the server it is told to run on, and a database on the manager; a server that still holds a pinned service is not removed; a named registry is pushed to and pulled from instead', async () => {
    const nowhere = await cli(spur, ['settings', project, 'web', '--run-on', 'nowhere']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('run on: no ready server is named nowhere');
    expect((await spurCli(['settings', project, 'web', '--run-on', 'node2'])).code).toBe(0);
    const deployed = await cli(spur, ['deploy', project, 'web']);
    expect(deployed.code, deployed.stderr).toBe(0);
    // v1 is there already: only the layers v2 does not share with it are sent.
    expect(deployed.stdout).toMatch(/Sent the image to node2 in \d+\.\d s; [1-9]\d* of its \d+ layers were there already/);
    expect(await runningOn()).toEqual(['spur-node2', 'spur-node2']);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v2');
    const refused = await cli(spur, ['node', 'remove', 'node2']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${service} must run on node2`);

    expect((await cli(spur, ['db', 'create', project, 'kv', '--engine', 'redis'])).code).toBe(0);
    const db = JSON.parse(await docker('service', 'inspect', `spur_${project}_kv_production`))[0];
    const managerId = (await swarmNodes()).find((n) => n.hostname !== 'spur-node2')!.id;
    expect(db.Spec.TaskTemplate.Placement.Constraints).toEqual([`node.id==${managerId}`]);

    // A registry instead: Spur pushes, the server pulls with the credentials sent along.
    const registry = await startRegistry();
    try {
      const wrong = await cli(spur, ['instance', '--registry', registry.address, '--registry-user', 'spur', '--registry-password', 'not-it']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(`registry: ${registry.address} refused the login`);
      const named = await cli(spur, ['instance', '--registry', registry.address, '--registry-user', registry.username], { SPUR_REGISTRY_PASSWORD: registry.password });
      expect(named.code, named.stderr).toBe(0);
      expect(named.stdout).toContain(`Images:      pushed to ${registry.address} (user spur); the servers pull them`);
      repo.commit(helloAppFiles('v3'), 'v3');
      const pushed = await cli(spur, ['deploy', project, 'web']);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stdout).toMatch(new RegExp(`Pushed the image to ${registry.address.replace(/\./g, '\\.')}/spur/${project}/web:\\S+ in \\d+\\.\\d s`));
      expect(pushed.stdout).not.toContain('Sent the image to node2');
      expect(await runningOn()).toEqual(['spur-node2', 'spur-node2']);
      expect(await node2Docker('image', 'ls', '--format', '{{.Repository}}')).toContain(`${registry.address}/spur/${project}/web`);
      expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v3');
      expect(JSON.stringify((await call('GET', '/settings')).json)).not.toContain(registry.password);
    } finally {
      expect((await cli(spur, ['instance', '--registry', 'none'])).code).toBe(0);
      await registry.stop();
    }

    expect((await cli(spur, ['settings', project, 'web', '--run-on', 'any'])).code).toBe(0);
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
  });

  it('builds on the server marked as build server, copies the image to the manager, prunes old ones there too; unmarked, builds run on the manager again', async () => {
    expect((await call('POST', '/servers/nowhere/build-server')).status).toBe(404);
    // The server gets the base image as a mirror or a pull would give it (this machine is offline).
    await copyImageToNode2('spur-test/node:bookworm');
    expect((await cli(spur, ['settings', project, 'web', '--run-on', 'manager'])).code).toBe(0);
    const marked = await spurCli(['node', 'build-server', 'node2']);
    expect(marked.code, marked.stderr).toBe(0);
    expect(marked.stdout).toContain('Builds run on node2 now');
    const listed = (await call('GET', '/servers')).json.servers as { name: string; role: string; buildServer: boolean }[];
    expect(listed.map((s) => [s.role, s.buildServer])).toEqual([['manager', false], ['worker', true]]);

    const built: string[] = [];
    for (const version of ['v4', 'v5']) {
      repo.commit(helloAppFiles(version), version);
      const deployed = await spurCli(['deploy', project, 'web']);
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stdout).toMatch(/Building spur\/\S+ from \.\/Dockerfile on the build server node2/);
      expect(deployed.stdout).toMatch(/Copied the image from node2 to the manager in \d+\.\d s/);
      expect((await probe(network, 'http://web:3000/')).body.trim()).toBe(`hello from ${version}`);
      built.push(JSON.parse(await docker('service', 'inspect', service))[0].Spec.TaskTemplate.ContainerSpec.Image as string);
    }
    // Built by node2's daemon (its own build leaves the parent it built on); loaded on the manager.
    expect(await node2Docker('image', 'inspect', built[1]!, '--format', '{{.Parent}}')).toMatch(/^sha256:/);
    expect(await docker('image', 'inspect', built[1]!, '--format', '{{.Parent}}')).toBe('');
    expect(await runningOn()).not.toContain('spur-node2');
    // One image kept: v4's went from the build server after v5 was active.
    expect(await node2Docker('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}')).not.toContain(built[0]);

    const unmarked = await spurCli(['node', 'build-server', 'node2', '--off']);
    expect(unmarked.code, unmarked.stderr).toBe(0);
    expect((await call('GET', '/servers')).json.servers.map((s: { buildServer: boolean }) => s.buildServer)).toEqual([true, false]);
    expect((await cli(spur, ['settings', project, 'web', '--run-on', 'any'])).code).toBe(0);
    const onManager = await cli(spur, ['deploy', project, 'web']);
    expect(onManager.code, onManager.stderr).toBe(0);
    expect(onManager.stdout).not.toContain('build server');
  });

  it('removes the server: tasks move to the manager, it leaves the Swarm, Spur forgets it', async () => {
    const tokenBefore = await workerToken();
    const removed = await spurCli(['node', 'remove', 'node2']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await workerToken()).not.toBe(tokenBefore);
    expect((await swarmNodes()).map((n) => n.hostname)).not.toContain('spur-node2');
    expect(await node2Docker('info', '--format', '{{.Swarm.LocalNodeState}}')).toBe('inactive');
    expect((await call('GET', '/servers')).json.servers.map((s: { role: string }) => s.role)).toEqual(['manager']);
    const manager = (await swarmNodes())[0]!.hostname;
    expect(await runningOn()).toEqual([manager, manager]);
    expect((await call('GET', '/servers/node2')).status).toBe(404);
  });

  it('has walked the README\'s "A second server", line by line in its order', () => expectReadmeWalked('A second server', walked));
});

/** The overlay addresses of the service's running tasks on its project network. */
async function taskAddresses(): Promise<string[]> {
  const ids = (await docker('service', 'ps', service, '--filter', 'desired-state=running', '-q')).split('\n').filter(Boolean);
  const netId = JSON.parse(await docker('network', 'inspect', network))[0].Id as string;
  return Promise.all(ids.map(async (id) => {
    const task = JSON.parse(await docker('inspect', id))[0] as { NetworksAttachments: { Network: { ID: string }; Addresses: string[] }[] };
    return task.NetworksAttachments.find((a) => a.Network.ID === netId)!.Addresses[0]!.split('/')[0]!;
  }));
}
