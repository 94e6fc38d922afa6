// npm run bench:steady — what running services cost the machine when nothing happens: the whole
// machine's CPU (Spur, dockerd, containerd, the apps, their health checks: /proc/stat) over 60 s
// with no service, then with N services deployed by Spur with its default settings, then with the
// same services checked the way Docker's own HEALTHCHECK does it (a process started in each task
// every 3 s). Prints cores per 100 services for both. Target: Spur's at most 0.10.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createDockerClient } from '../src/docker/client.js';
import { SECOND } from '../src/docker/service-spec.js';
import { api, cleanupProject, loginCli, startSpur } from '../test/harness.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 100);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 60);
const IMAGE = 'spur-bench/hello:1';
const project = 'benchsteady';
const TARGET_PER_100 = 0.1;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Busy and total jiffies of all CPUs. */
function cpuTimes(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/** Cores the whole machine keeps busy over the window. */
async function machineCores(label: string): Promise<number> {
  const cores = Number(sh('nproc', []));
  const a = cpuTimes();
  await sleep(WINDOW_S * 1000);
  const b = cpuTimes();
  const used = ((b.busy - a.busy) / (b.total - a.total)) * cores;
  console.log(`  ${label.padEnd(58)} ${used.toFixed(3)} cores`);
  return used;
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  sh('docker', ['build', '-q', '-t', IMAGE, 'test/fixtures/hello-app']);
  await cleanupProject(project);
  const spur = await startSpur();
  const docker = createDockerClient();
  try {
    const call = api(spur, await loginCli(spur));
    console.log(`machine CPU over ${WINDOW_S} s, ${sh('nproc', [])} cores, Docker ${sh('docker', ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])}`);
    await sleep(10_000);
    const none = await machineCores('no service (Spur idle)');

    await call('POST', '/projects', { name: project });
    const ids: number[] = [];
    for (let i = 0; i < SERVICES; i++) {
      await call('POST', `/projects/${project}/services`, { name: `svc${i}`, image: IMAGE, port: 3000 });
      ids.push((await call('POST', `/projects/${project}/services/svc${i}/deployments`)).json.deployment.id);
    }
    for (const id of ids) {
      for (;;) {
        const { deployment } = (await call('GET', `/deployments/${id}`)).json;
        if (deployment.status === 'active') break;
        if (deployment.status === 'failed') throw new Error(`deployment ${id} failed: ${deployment.failureReason}`);
        await sleep(500);
      }
    }
    const check = (await call('GET', `/projects/${project}/services/svc0`)).json;
    console.log(`  (${SERVICES} services active; health check of each: ${JSON.stringify(check.service?.healthCheck ?? check.healthCheck ?? 'default')})`);
    // Old tasks drain (stop grace), builds' and prunes' work ends.
    await sleep(30_000);
    const spurChecks = await machineCores(`${SERVICES} services, Spur's defaults`);

    // The same tasks with Docker's HEALTHCHECK as it is commonly set: a process every 3 s.
    for (const summary of await docker.listServices({ filters: { label: [`spur.project=${project}`] } })) {
      const service = docker.getService(summary.ID);
      const info = await service.inspect();
      const spec = info.Spec;
      spec.TaskTemplate.ContainerSpec.HealthCheck = { Test: ['CMD', '/spur/probe', 'tcp', '3000'], Interval: 3 * SECOND, Timeout: 3 * SECOND, Retries: 3, StartPeriod: 30 * SECOND };
      await service.update({ version: info.Version.Index, ...spec });
    }
    for (;;) {
      const services = await docker.listServices({ filters: { label: [`spur.project=${project}`] } });
      if (services.every((s) => s.UpdateStatus?.State === 'completed')) break;
      await sleep(2000);
    }
    await sleep(30_000);
    const dockerChecks = await machineCores(`${SERVICES} services, Docker HEALTHCHECK every 3 s`);

    const per100 = (cores: number) => ((cores - none) / SERVICES) * 100;
    console.log(`\nextra CPU per 100 running services:`);
    console.log(`  Spur's probe (default settings)          ${per100(spurChecks).toFixed(3)} cores`);
    console.log(`  Docker HEALTHCHECK every 3 s             ${per100(dockerChecks).toFixed(3)} cores`);
    console.log(`  ratio                                    ${(per100(dockerChecks) / Math.max(per100(spurChecks), 0.001)).toFixed(1)}x less with Spur's`);
    const over = per100(spurChecks) > TARGET_PER_100;
    console.log(over ? `\nOVER the target (${TARGET_PER_100} cores per 100 services)` : `\nwithin the target (${TARGET_PER_100} cores per 100 services)`);
    process.exitCode = over ? 1 : 0;
  } finally {
    await spur.stop();
    await cleanupProject(project);
  }
}

await main();
