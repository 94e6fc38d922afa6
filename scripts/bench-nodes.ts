// npm run bench:nodes — the second server of the tests (scripts/second-node.sh): how long Spur
// takes to enroll it (POST /api/v1/servers until ready), and to send it an image of about
// BENCH_SHIP_MB (200) of its own on top of the test base image (321 MB), beside
// `docker save | ssh root@node docker load` run by hand in the same run: once to a server that
// has nothing, once to one that already has the base image (Spur then sends only what it lacks).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerClient } from '../src/docker/client.js';
import { generateSshKeyPair } from '../src/ssh-keys.js';
import { remoteDocker } from '../src/nodes/remote-docker.js';
import { shipImage } from '../src/nodes/ship-image.js';
import { connectNode } from '../src/nodes/ssh.js';
import { BASE_IMAGE, api, loginCli, startSpur } from '../test/harness.js';
import { NODE2, authorizeOnNode2, node2Docker, startSecondNode, stopSecondNode } from '../test/fixtures/second-node.js';

const SHIP_MB = Number(process.env.BENCH_SHIP_MB ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IMAGE = `spur-bench/ship:${SHIP_MB}m`;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const started = Date.now();
  await work();
  return Date.now() - started;
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  await startSecondNode();
  const local = createDockerClient();
  if (!(await local.getImage(IMAGE).inspect().catch(() => undefined))) {
    const dir = mkdtempSync(join(tmpdir(), 'spur-bench-ship-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN head -c ${SHIP_MB}M /dev/urandom > /payload\n`);
    sh('docker', ['build', '-q', '-t', IMAGE, dir]);
  }
  const imageMb = (await local.getImage(IMAGE).inspect()).Size / 1024 / 1024;

  // Enrollment, through the running Spur as a user would.
  const spur = await startSpur();
  const call = api(spur, await loginCli(spur));
  authorizeOnNode2([(await call('GET', '/servers')).json.publicKey]);
  let enrollMs = 0;
  try {
    enrollMs = await timed(async () => {
      await call('POST', '/servers', { address: `root@${NODE2.host}`, name: 'bench' });
      for (;;) {
        const { server } = (await call('GET', '/servers/bench')).json;
        if (server.status === 'failed') throw new Error(server.error);
        if (server.status === 'ready') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
  } finally {
    await call('DELETE', '/servers/bench');
    await spur.stop();
  }

  // Shipping: Spur's code path (its SSH client, the server's Docker API over it) against OpenSSH.
  const key = generateSshKeyPair('bench');
  const keyDir = mkdtempSync(join(tmpdir(), 'spur-bench-key-'));
  writeFileSync(join(keyDir, 'id'), key.private, { mode: 0o600 });
  authorizeOnNode2([key.public]);
  const { client } = await connectNode({ host: NODE2.host, port: 22, user: 'root' }, { privateKey: key.private });
  const remote = await remoteDocker(client);
  const spool = mkdtempSync(join(tmpdir(), 'spur-bench-spool-'));
  const clear = async (keepBase: boolean) => {
    await node2Docker('image', 'rm', '-f', IMAGE).catch(() => {});
    if (!keepBase) await node2Docker('image', 'rm', '-f', BASE_IMAGE).catch(() => {});
    else if (!(await node2Docker('image', 'ls', '-q', BASE_IMAGE))) spawnSync('bash', ['-c', `docker save ${BASE_IMAGE} | docker -H ${NODE2.socket} load -q`]);
  };
  const byHand = () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; docker save ${IMAGE} | ssh -i ${join(keyDir, 'id')} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@${NODE2.host} docker load -q`]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
  };
  const rows: { name: string; spur: number; hand: number }[] = [];
  for (const [name, keepBase] of [['server has nothing', false], ['server has the base image', true]] as const) {
    const spurRuns: number[] = [];
    const handRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await clear(keepBase);
      spurRuns.push(await timed(() => shipImage(local, remote, IMAGE, spool)));
      await clear(keepBase);
      handRuns.push(await timed(byHand));
    }
    rows.push({ name, spur: median(spurRuns), hand: median(handRuns) });
  }
  client.end();
  await stopSecondNode();

  console.log(`\nA second server, ${new Date().toISOString().slice(0, 10)} (medians of ${RUNS} runs; image ${imageMb.toFixed(0)} MB: ${BASE_IMAGE} + ${SHIP_MB} MB)\n`);
  console.log(`Enroll (connect, checks, probe, join the Swarm, label): ${seconds(enrollMs)} s\n`);
  console.log('| send the image | Spur | docker save \\| ssh docker load | ratio |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${seconds(r.spur)} s | ${seconds(r.hand)} s | ${(r.spur / r.hand).toFixed(2)}× |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
