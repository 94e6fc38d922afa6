// npm run bench:ui — the pages people keep open, with 100 services deployed: p50/p99 of the
// dashboard, the project page and a service page (one request at a time, a bounded number each, as
// a browser asks: gzip accepted), and each page's HTML + CSS weight as sent and unpacked (htmx
// excluded), beside the bare Docker call the pages wrap (one task listing). Targets: p99 under
// 25 ms, under 60 KB a page as sent.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
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

/** Bytes on the wire and unpacked (fetch unpacks; node:http does not). */
async function weight(url: string, headers: Record<string, string>) {
  const sent = await new Promise<number>((resolve, reject) =>
    request(url, { headers }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => (n += d.length)).on('end', () => resolve(n)).on('error', reject);
    }).on('error', reject).end(),
  );
  return { sent, unpacked: Buffer.byteLength(await (await fetch(url, { headers })).text()) };
}

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
    const headers = { Cookie: login.headers.getSetCookie().find((c) => c.startsWith('spur_session='))!.split(';')[0], 'Accept-Encoding': 'gzip, deflate, br' };
    const css = await weight(`${spur.url}/public/app.css`, headers);

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
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`\n${REQUESTS} requests per page, one at a time, gzip accepted; sizes are HTML + app.css (${kb(css.sent)} KB sent, ${kb(css.unpacked)} KB unpacked), htmx excluded`);
    console.log('  page                      p50 ms  p99 ms  errors  KB sent  unpacked  ×bare p50');
    let over = false;
    for (const [name, path] of pages) {
      const page = await weight(`${spur.url}${path}`, headers);
      const sent = page.sent + css.sent;
      const r = await load(`${spur.url}${path}`, headers);
      over ||= r.p99 >= P99_LIMIT_MS || sent / 1024 >= SIZE_LIMIT_KB || r.errors > 0;
      console.log(`  ${name.padEnd(24)} ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${kb(sent).padStart(7)}  ${kb(page.unpacked + css.unpacked).padStart(8)}  ${(r.p50 / percentile(bare, 50)).toFixed(1).padStart(9)}`);
    }
    console.log(`  bare docker task listing  ${percentile(bare, 50).toFixed(1).padStart(6)}  ${percentile(bare, 99).toFixed(1).padStart(6)}`);
    console.log(over ? `\nOVER a target (p99 ${P99_LIMIT_MS} ms, ${SIZE_LIMIT_KB} KB sent, no errors)` : `\nwithin the targets (p99 < ${P99_LIMIT_MS} ms, < ${SIZE_LIMIT_KB} KB a page as sent)`);
    process.exitCode = over ? 1 : 0;
  } finally {
    await spur.stop();
    await cleanupProject(project);
  }
}

await main();
