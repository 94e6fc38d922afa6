// npm run bench:ui — the pages people keep open, with 100 services deployed: p50/p99 of the
// dashboard, the project page and a service page (one request at a time, a bounded number each),
// and each page's HTML + CSS weight (htmx excluded), beside the bare Docker call the pages wrap
// (one task listing). Targets: p99 under 25 ms, under 60 KB a page.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { createDockerClient } from '../src/docker/client.js';
import { api, cleanupProject, cli, deployServices, loginCli, startSpur } from '../test/harness.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 100);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const IMAGE = 'spur-bench/hello:1';
const project = 'benchui';
const P99_LIMIT_MS = 25;
const SIZE_LIMIT_KB = 60;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function load(url: string, headers: Record<string, string>) {
  const r = await autocannon({ url, headers, connections: 1, amount: REQUESTS });
  return { p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  sh('docker', ['build', '-q', '-t', IMAGE, 'test/fixtures/hello-app']);
  await cleanupProject(project);
  const spur = await startSpur();
  try {
    const call = api(spur, await loginCli(spur));
    await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'a long password\n');
    console.log(`deploying ${SERVICES} services`);
    const started = Date.now();
    await call('POST', '/projects', { name: project });
    await deployServices(call, project, { count: SERVICES, image: IMAGE, batch: 20 });
    console.log(`${SERVICES} services active in ${((Date.now() - started) / 1000).toFixed(1)}s; letting image pruning settle`);
    await sleep(15_000);

    const login = await fetch(`${spur.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: spur.url }, body: 'email=owner%40example.com&password=a+long+password' });
    const headers = { Cookie: login.headers.getSetCookie().find((c) => c.startsWith('spur_session='))!.split(';')[0] };
    const css = readFileSync('public/app.css').length;

    // The bare Docker call the project page makes: one task listing.
    const docker = createDockerClient();
    const bare: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await docker.listTasks({ filters: { 'desired-state': ['running'] } });
      bare.push(performance.now() - t);
    }

    const pages = [
      ['dashboard', '/'],
      ['project (100 cards)', `/projects/${project}`],
      ['service overview', `/projects/${project}/services/svc0`],
      ['service deployments', `/projects/${project}/services/svc0/deployments`],
    ] as const;
    console.log(`\n${REQUESTS} requests per page, one at a time; sizes are HTML + app.css (${(css / 1024).toFixed(1)} KB), htmx excluded`);
    console.log('  page                      p50 ms  p99 ms  errors   KB    ×bare p50');
    let over = false;
    for (const [name, path] of pages) {
      const html = await (await fetch(`${spur.url}${path}`, { headers })).text();
      const kb = (Buffer.byteLength(html) + css) / 1024;
      const r = await load(`${spur.url}${path}`, headers);
      over ||= r.p99 >= P99_LIMIT_MS || kb >= SIZE_LIMIT_KB || r.errors > 0;
      console.log(`  ${name.padEnd(24)} ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${kb.toFixed(1).padStart(5)}  ${(r.p50 / percentile(bare, 50)).toFixed(1).padStart(6)}`);
    }
    console.log(`  bare docker task listing  ${percentile(bare, 50).toFixed(1).padStart(6)}  ${percentile(bare, 99).toFixed(1).padStart(6)}`);
    console.log(over ? `\nOVER a target (p99 ${P99_LIMIT_MS} ms, ${SIZE_LIMIT_KB} KB, no errors)` : `\nwithin the targets (p99 < ${P99_LIMIT_MS} ms, < ${SIZE_LIMIT_KB} KB a page)`);
    process.exitCode = over ? 1 : 0;
  } finally {
    await spur.stop();
    await cleanupProject(project);
  }
}

await main();
