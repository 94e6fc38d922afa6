// npm run bench:metrics — what collecting metrics costs, and what storing them takes. With 10 and
// then 100 services deployed by Spur, it runs Spur's sampler (src/metrics/sampler.ts) as Spur
// does, a sample at a time, and counts the CPU it and dockerd used (the one task listing a sample)
// beside `docker stats --no-stream` for the same containers (a Docker call per container). Then it
// fills a store with 90 days of points for 100 services, every ring full, and prints its size.
// Target: under 2% of one core for 100 services at the default interval.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/open.js';
import { createDockerClient } from '../src/docker/client.js';
import { MetricsSampler } from '../src/metrics/sampler.js';
import { localDisk } from '../src/nodes/disk.js';
import { TIERS, slotOf } from '../src/metrics/tiers.js';
import { writePoints } from '../src/store/metrics.js';
import { api, cleanupProject, deployServices, loginCli, startSpur } from '../test/harness.js';

const COUNTS = (process.env.BENCH_SERVICES ?? '10,100').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const INTERVAL_S = 10;
const TARGET_PERCENT = 2;
const IMAGE = 'spur-bench/hello:1';
const project = 'benchmetrics';
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds a process has used (user + system). */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const dockerdPid = () => Number(readdirSync('/proc').find((d) => /^\d+$/.test(d) && readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'dockerd'));

async function collectionCost(services: number, installId: string) {
  const db = await openDatabase(':memory:');
  const sampler = new MetricsSampler({ db, docker: createDockerClient(), log: console, installId, sampleS: INTERVAL_S, isDaemonReady: () => true, disk: localDisk });
  await sampler.sampleOnce();
  const dockerd = dockerdPid();
  const [ownBefore, dockerdBefore, started] = [process.cpuUsage(), cpuOf(dockerd), performance.now()];
  for (let i = 0; i < SAMPLES; i++) {
    await sampler.sampleOnce();
    await sleep(200);
  }
  const own = process.cpuUsage(ownBefore);
  const perSample = { sampler: (own.user + own.system) / 1e6 / SAMPLES, dockerd: (cpuOf(dockerd) - dockerdBefore) / SAMPLES, wallMs: (performance.now() - started) / SAMPLES - 200 };
  await db.destroy();
  // The same containers' figures as a peer reads them: docker stats, one stats call per container.
  const containers = sh('docker', ['ps', '-q', '--filter', `label=spur.project=${project}`]).split('\n').filter(Boolean);
  const statsBefore = [cpuOf(dockerd), performance.now()];
  sh('docker', ['stats', '--no-stream', ...containers]);
  const stats = { dockerd: cpuOf(dockerd) - statsBefore[0]!, wallMs: performance.now() - statsBefore[1]! };
  const percent = ((perSample.sampler + perSample.dockerd) / INTERVAL_S) * 100;
  console.log(`  ${String(services).padStart(3)} services  ${(perSample.sampler * 1000).toFixed(1).padStart(6)} ms + dockerd ${(perSample.dockerd * 1000).toFixed(1).padStart(5)} ms CPU a sample (${perSample.wallMs.toFixed(0)} ms)  ${percent.toFixed(2).padStart(5)} % of a core every ${INTERVAL_S} s   docker stats --no-stream: ${stats.wallMs.toFixed(0)} ms, dockerd ${(stats.dockerd * 1000).toFixed(0)} ms CPU (${(stats.dockerd / (perSample.sampler + perSample.dockerd)).toFixed(1)}×)`);
  return percent;
}

async function storeSize(series: number) {
  const dir = mkdtempSync(join(tmpdir(), 'spur-bench-metrics-'));
  const file = join(dir, 'spur.db');
  const db = await openDatabase(file);
  const point = (at: number) => ({ at, cpu: 123, cpu_max: 456, memory: 48_000_000, memory_max: 52_000_000, memory_limit: 268_435_456, rx: 1500, tx: 900, tasks: 1 });
  const started = performance.now();
  const nowS = Math.floor(Date.now() / 1000 / 3600) * 3600;
  // Two full turns of every ring: the second overwrites the first.
  for (const tier of TIERS) {
    for (let turn = 0; turn < 2; turn++) {
      for (let i = 0; i < tier.slots; i++) {
        const at = nowS - (2 - turn) * tier.stepS * tier.slots + i * tier.stepS;
        await writePoints(db, { tier: tier.tier, slot: slotOf(tier, at) }, new Map(Array.from({ length: series }, (_, s) => [`spur_bench_svc${s}_production`, { swarmId: `id${s}`, point: point(at) }])));
      }
    }
  }
  const { n } = await db.selectFrom('metric_points').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await db.destroy();
  const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  console.log(`  store after 90 days (every ring turned twice), ${series} services: ${n} points, ${(bytes / 2 ** 20).toFixed(1)} MiB (${(bytes / series / 1024).toFixed(0)} KiB a service), written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  sh('docker', ['build', '-q', '-t', IMAGE, 'test/fixtures/hello-app']);
  await cleanupProject(project);
  const spur = await startSpur({ env: { SPUR_METRICS_SAMPLE: '0' } });
  let over = false;
  try {
    const call = api(spur, await loginCli(spur));
    await call('POST', '/projects', { name: project });
    const installId = readFileSync(join(spur.dataDir, 'install-id'), 'utf8').trim();
    console.log(`metrics collection, ${SAMPLES} samples each, ${readFileSync('/proc/cpuinfo', 'utf8').split('\nprocessor').length} cores, Docker ${sh('docker', ['version', '-f', '{{.Server.Version}}'])}`);
    let deployed = 0;
    for (const count of COUNTS) {
      await deployServices(call, project, { count: count - deployed, image: IMAGE, batch: 20, from: deployed });
      deployed = count;
      await sleep(5000);
      const percent = await collectionCost(count, installId);
      over ||= count >= 100 && percent >= TARGET_PERCENT;
    }
  } finally {
    await spur.stop();
    await cleanupProject(project);
  }
  await storeSize(100);
  console.log(over ? `\nOVER the target (${TARGET_PERCENT} % of a core at 100 services)` : `\nwithin the target (under ${TARGET_PERCENT} % of a core at 100 services)`);
  process.exitCode = over ? 1 : 0;
}

await main();
