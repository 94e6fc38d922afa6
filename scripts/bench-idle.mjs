// npm run bench:idle — the single executable (dist/spur-linux-x64) with 20 deployed services, idle:
// resident memory and CPU beside a bare Node HTTP server's, and p50/p99 latency of the dashboard and of the API's service list.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const IMAGE = 'spur-bench/hello:1';
const PROJECT = 'bench';

const sh = (cmd, args, opts = {}) => (execFileSync(cmd, args, { encoding: 'utf8', ...opts }) ?? '').trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });

function sampleProc(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { rssMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024, cpuSeconds: ticks / 100 };
}

async function idleFigures(pid) {
  const start = sampleProc(pid);
  let peak = start.rssMb;
  for (let i = 0; i < IDLE_SECONDS; i++) {
    await sleep(1000);
    peak = Math.max(peak, sampleProc(pid).rssMb);
  }
  const end = sampleProc(pid);
  return { rssMb: end.rssMb, anonMb: end.anonMb, fileMb: end.fileMb, peakRssMb: peak, cpuPercent: ((end.cpuSeconds - start.cpuSeconds) / IDLE_SECONDS) * 100 };
}

async function latency(url, headers = {}) {
  const r = await autocannon({ url, headers, connections: 10, duration: LOAD_SECONDS });
  return { p50: r.latency.p50, p99: r.latency.p99, rps: Math.round(r.requests.average), errors: r.errors + r.non2xx };
}

async function waitHttp(url, ok = (res) => res.ok) {
  for (let i = 0; i < 100; i++) {
    try { if (ok(await fetch(url))) return; } catch {}
    await sleep(200);
  }
  throw new Error(`${url} did not answer`);
}

console.log('preparing: test environment and a small app image');
sh('bash', ['scripts/test-env.sh'], { stdio: 'inherit' });
sh('docker', ['build', '-q', '-t', IMAGE, 'test/fixtures/hello-app']);

const dataDir = mkdtempSync(join(tmpdir(), 'spur-bench-'));
const port = await freePort();
const env = { ...process.env, SPUR_DATA_DIR: dataDir, SPUR_PORT: String(port), SPUR_SSH_PORT: String(await freePort()), SPUR_HOST: '127.0.0.1', SPUR_TRAEFIK: '0', SPUR_UPDATE_CHECK: '0', SPUR_BASE_DOMAIN: 'bench.test' };
const SPUR = 'dist/spur-linux-x64';
// Spur runs with the malloc settings install.sh writes into spur.service.
const unitEnv = Object.fromEntries([...readFileSync('install.sh', 'utf8').matchAll(/^Environment=(MALLOC_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
if (Object.keys(unitEnv).length === 0) throw new Error('install.sh sets no MALLOC_ variables in spur.service any more; update bench:idle');
const spur = spawn(SPUR, ['serve'], { env: { ...env, ...unitEnv }, stdio: 'ignore' });
const bare = spawn(process.execPath, ['-e', "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')", String(await freePort())], { stdio: 'ignore' });
const barePort = Number(bare.spawnargs.at(-1));
const url = `http://127.0.0.1:${port}`;
try {
  await waitHttp(`${url}/healthz`, (r) => r.ok);
  await waitHttp(`http://127.0.0.1:${barePort}/`);
  const token = sh(SPUR, ['token', 'create', '--email', 'bench@example.com'], { env });
  sh(SPUR, ['user', 'password', '--email', 'bench@example.com'], { env, input: 'bench password 123\n' });
  const api = async (method, path, body) => {
    const res = await fetch(`${url}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  console.log(`deploying ${SERVICES} services`);
  await api('POST', '/projects', { name: PROJECT });
  const started = Date.now();
  const ids = [];
  for (let i = 0; i < SERVICES; i++) {
    await api('POST', `/projects/${PROJECT}/services`, { name: `svc${i}`, image: IMAGE, port: 3000 });
    ids.push((await api('POST', `/projects/${PROJECT}/services/svc${i}/deployments`)).deployment.id);
  }
  for (const id of ids) {
    for (;;) {
      const { deployment } = await api('GET', `/deployments/${id}`);
      if (deployment.status === 'active') break;
      if (deployment.status === 'failed') throw new Error(`deployment ${id} failed: ${deployment.failureReason}`);
      await sleep(500);
    }
  }
  console.log(`${SERVICES} services active in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const login = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url }, body: 'email=bench%40example.com&password=bench+password+123' });
  // The session's cookie, not whichever Set-Cookie comes first (a toast's, say).
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('spur_session=')).split(';')[0];

  console.log(`idling ${IDLE_SECONDS}s`);
  const [spurIdle, bareIdle] = await Promise.all([idleFigures(spur.pid), idleFigures(bare.pid)]);
  console.log(`loading each endpoint for ${LOAD_SECONDS}s with 10 connections`);
  const dashboard = await latency(`${url}/`, { Cookie: cookie });
  const serviceList = await latency(`${url}/api/v1/projects/${PROJECT}/services`, { Authorization: `Bearer ${token}` });
  const bareHttp = await latency(`http://127.0.0.1:${barePort}/`);
  const after = sampleProc(spur.pid);

  const fmt = (n, d = 1) => n.toFixed(d);
  const inside = (await api('GET', '/health')).memoryMb;
  console.log('\nidle, with %d deployed services:', SERVICES);
  console.log('                      RSS MB   peak MB   CPU %');
  console.log(`  spur              ${fmt(spurIdle.rssMb).padStart(7)}   ${fmt(spurIdle.peakRssMb).padStart(7)}   ${fmt(spurIdle.cpuPercent, 2).padStart(5)}`);
  console.log(`  bare node http    ${fmt(bareIdle.rssMb).padStart(7)}   ${fmt(bareIdle.peakRssMb).padStart(7)}   ${fmt(bareIdle.cpuPercent, 2).padStart(5)}`);
  console.log(`  ratio             ${fmt(spurIdle.rssMb / bareIdle.rssMb, 2).padStart(7)}x`);
  console.log(`  spur's RSS: ${fmt(spurIdle.anonMb)} MB its own (anonymous), ${fmt(spurIdle.fileMb)} MB pages of the executable and libraries (file-backed; bare node: ${fmt(bareIdle.anonMb)} + ${fmt(bareIdle.fileMb)})`);
  console.log(`  spur after load, as V8 sees it: heap ${inside.heapUsed} of ${inside.heapTotal} MB, external ${inside.external} MB, RSS ${inside.rss} MB`);
  console.log('\nlatency (ms), 10 connections:   p50    p99   req/s  errors');
  for (const [name, r] of [['dashboard (GET /)', dashboard], ['API service list', serviceList], ['bare node http', bareHttp]]) {
    console.log(`  ${name.padEnd(28)} ${String(r.p50).padStart(5)}  ${String(r.p99).padStart(5)}  ${String(r.rps).padStart(6)}  ${r.errors}`);
  }
  console.log(`\nspur RSS after load: ${fmt(after.rssMb)} MB`);
} finally {
  spur.kill('SIGTERM');
  bare.kill('SIGTERM');
  const ids = sh('docker', ['service', 'ls', '-q', '--filter', `label=spur.project=${PROJECT}`]).split('\n').filter(Boolean);
  if (ids.length) sh('docker', ['service', 'rm', ...ids]);
  await sleep(3000);
  try { sh('docker', ['network', 'rm', `spur_${PROJECT}_production`]); } catch {}
  rmSync(dataDir, { recursive: true, force: true });
}
