// npm run bench:steady — what running services cost the machine when nothing happens: the whole
// machine's CPU (Spur, dockerd, containerd, the apps, their health checks: /proc/stat) over 60 s
// with no service, then with N services deployed by Spur with its default settings, then with the
// same services unchecked, then with some of them checked the way Docker's own HEALTHCHECK does it
// (a process started in each task every 3 s). Prints cores per 100 services for each, whole and
// the check's own part. Target: Spur's at most 0.10 for the whole machine.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createDockerClient } from '../src/docker/client.js';
import { SECOND } from '../src/docker/service-spec.js';
import { api, cleanupProject, deployServices, loginCli, startSpur } from '../test/harness.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 100);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 60);
const BATCH = Number(process.env.BENCH_BATCH ?? 20);
const COMPARED = Number(process.env.BENCH_COMPARED ?? 30);
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

/** CPU jiffies each program (by name) has used so far, summed over its processes. */
function jiffiesByProgram(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Cores the whole machine keeps busy over the window, and the programs that used most of it. */
async function machineCores(label: string): Promise<number> {
  const cores = Number(sh('nproc', []));
  const hz = 100;
  // What earlier steps left to write back to disk would otherwise be flushed within the window.
  sh('sync', []);
  await sleep(2000);
  const [a, programs] = [cpuTimes(), jiffiesByProgram()];
  await sleep(WINDOW_S * 1000);
  const [b, after] = [cpuTimes(), jiffiesByProgram()];
  const used = ((b.busy - a.busy) / (b.total - a.total)) * cores;
  const top = [...after].map(([name, j]) => [name, (j - (programs.get(name) ?? 0)) / hz / WINDOW_S] as const).filter(([, c]) => c > 0).sort((x, y) => y[1] - x[1]).slice(0, 6);
  console.log(`  ${label.padEnd(58)} ${used.toFixed(3)} cores (${top.map(([n, c]) => `${n} ${c.toFixed(3)}`).join(', ')})`);
  return used;
}

/** Gives the services' tasks another health check, ten services at a time, each batch rolled out before the next. */
async function setHealthCheck(services: { ID: string }[], check: Record<string, unknown>) {
  const docker = createDockerClient();
  for (let from = 0; from < services.length; from += 10) {
    const batch = services.slice(from, from + 10);
    for (const summary of batch) {
      const service = docker.getService(summary.ID);
      const info = await service.inspect();
      info.Spec.TaskTemplate.ContainerSpec.HealthCheck = check;
      await service.update({ version: info.Version.Index, ...info.Spec });
    }
    for (;;) {
      const states = await Promise.all(batch.map(async (s) => (await docker.getService(s.ID).inspect()).UpdateStatus?.State));
      if (states.every((st) => st === 'completed')) break;
      if (states.some((st) => st?.startsWith('rollback'))) throw new Error('a service rolled back to its earlier check: the machine was too busy');
      await sleep(1000);
    }
  }
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
    const others = (await docker.listServices()).map((s) => s.Spec?.Name).filter((n) => n && !n.startsWith(`spur_${project}_`));
    if (others.length > 0) console.log(`  WARNING: other services run on this machine and count in every figure: ${others.join(', ')}`);
    await sleep(10_000);
    const none = await machineCores('no service (Spur idle)');

    await call('POST', '/projects', { name: project });
    await deployServices(call, project, { count: SERVICES, image: IMAGE, batch: BATCH });
    const check = (await call('GET', `/projects/${project}/services/svc0`)).json;
    console.log(`  (${SERVICES} services active; health check of each: ${JSON.stringify(check.service?.healthCheck ?? check.healthCheck ?? 'default')})`);
    // Old tasks drain (stop grace), builds' and prunes' work ends.
    await sleep(30_000);
    const spurChecks = await machineCores(`${SERVICES} services, Spur's defaults`);

    // The same tasks with no health check at all: what the containers and the apps cost at rest.
    const services = (await docker.listServices({ filters: { label: [`spur.project=${project}`] } })) as { ID: string; Spec: { Name: string } }[];
    await setHealthCheck(services, { Test: ['NONE'] });
    await sleep(30_000);
    const unchecked = await machineCores(`${SERVICES} services, no health check`);

    // With Docker's HEALTHCHECK as it is commonly set, a process every 3 s: for COMPARED of them (a
    // hundred would need more than two cores), the others removed.
    const kept = services.filter((s) => Number(/svc(\d+)_/.exec(s.Spec.Name)?.[1]) < COMPARED);
    for (const s of services.filter((x) => !kept.includes(x))) await docker.getService(s.ID).remove();
    await setHealthCheck(kept, { Test: ['CMD', '/spur/probe', 'tcp', '3000'], Interval: 3 * SECOND, Timeout: 3 * SECOND, Retries: 3, StartPeriod: 30 * SECOND });
    await sleep(30_000);
    const dockerChecks = await machineCores(`${COMPARED} services, Docker HEALTHCHECK every 3 s`);

    const per100 = (cores: number, n: number) => ((cores - none) / n) * 100;
    const [spur100, bare100, docker100] = [per100(spurChecks, SERVICES), per100(unchecked, SERVICES), per100(dockerChecks, COMPARED)];
    console.log(`\nextra CPU per 100 running services (whole machine · of which the check itself):`);
    console.log(`  no health check (the containers and apps at rest)   ${bare100.toFixed(3)} cores`);
    console.log(`  Spur's probe, default settings (${SERVICES} services)      ${spur100.toFixed(3)} cores · ${(spur100 - bare100).toFixed(3)} cores`);
    console.log(`  Docker HEALTHCHECK every 3 s (${COMPARED} services)         ${docker100.toFixed(3)} cores · ${(docker100 - bare100).toFixed(3)} cores`);
    console.log(`  ratio, Docker's to Spur's                           ${(docker100 / Math.max(spur100, 0.001)).toFixed(1)}x · ${((docker100 - bare100) / Math.max(spur100 - bare100, 0.001)).toFixed(1)}x`);
    const over = spur100 > TARGET_PER_100;
    console.log(over ? `\nOVER the target (${TARGET_PER_100} cores per 100 services)` : `\nwithin the target (${TARGET_PER_100} cores per 100 services)`);
    process.exitCode = over ? 1 : 0;
  } finally {
    await spur.stop();
    await cleanupProject(project);
  }
}

await main();
