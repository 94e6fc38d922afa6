// Runs the real single executable (dist/spur-linux-x64, made by scripts/release.mjs) as a separate process against the real Docker daemon,
// and gives tests the CLI, the API, an in-network HTTP probe and label-based cleanup.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SPUR_BIN = resolve(__dirname, '..', 'dist', 'spur-linux-x64');
export const BASE_IMAGE = 'spur-test/node:bookworm';

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** Distinct free ports: every listener is held until all are chosen, so two of them can never be the same number. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((res, rej) => {
      const srv = createServer();
      srv.on('error', rej);
      srv.listen(0, '127.0.0.1', () => res(srv));
    })),
  );
  const ports = servers.map((srv) => (srv.address() as { port: number }).port);
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  return ports;
}

/** Where tests that do not run Pebble point Spur's ACME client: nothing listens, orders fail at once. */
export const NO_ACME_SERVER = 'https://127.0.0.1:9/directory';

export interface SpurProcess {
  url: string;
  sshPort: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  output: () => string;
  /** Its exit code or signal once it has exited; undefined while it runs. */
  exited: () => string | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startSpur(opts: { env?: NodeJS.ProcessEnv; dataDir?: string; requireDocker?: boolean } = {}): Promise<SpurProcess> {
  try {
    return await launchSpur(opts);
  } catch (err) {
    // Another test file running in parallel may take a port between our choosing it and Spur binding it: choose again, once.
    if (!String(err).includes('EADDRINUSE')) throw err;
    return launchSpur(opts);
  }
}

async function launchSpur(opts: { env?: NodeJS.ProcessEnv; dataDir?: string; requireDocker?: boolean }): Promise<SpurProcess> {
  const [port, sshPort, acmePort] = await freePorts(3);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'spur-data-'));
  const env = { ...process.env, SPUR_PORT: String(port), SPUR_SSH_PORT: String(sshPort), SPUR_HOST: '127.0.0.1', SPUR_DATA_DIR: dataDir, SPUR_TRAEFIK: '0', SPUR_UPDATE_CHECK: '0', SPUR_BASE_DOMAIN: 'spur.test', SPUR_PUBLIC_URL: `http://127.0.0.1:${port}`, SPUR_ACME_PORT: String(acmePort), SPUR_ACME_HOST: '127.0.0.1', SPUR_ACME_DIRECTORY: NO_ACME_SERVER, ...opts.env };
  const child: ChildProcess = spawn(SPUR_BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  // Readiness, not speed (benchmarks time the start): at the start of a full run, with test files
  // starting Spurs side by side and Docker busy, a start took longer than 20 s (crash-safety.test),
  // and twice a Spur printed nothing for 60 s while starting (an engine check still waiting now
  // says so after 10 s: "Docker has not answered …").
  const started = Date.now();
  const deadline = started + 120_000;
  let health = 'no answer from /healthz';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`spur exited early:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      const docker = res.ok && ((await res.json()) as { docker: boolean }).docker;
      health = res.ok ? `/healthz answers, docker ${docker ? 'ready' : 'not ready'}` : `/healthz answered ${res.status}`;
      // Ready once its SSH server listens too (it starts after the HTTP one, and says so): a port
      // another process took since freePorts chose it shows here as an early exit, chosen again.
      if (res.ok && (docker || opts.requireDocker === false) && out.includes('ssh server listening')) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      // What stalled comes first: a CI report may show only the start of this message.
      const lastLine = out.trim().split('\n').at(-1) ?? '';
      throw new Error(`spur did not become ready in ${Math.round((Date.now() - started) / 1000)} s (${health}; ${out.includes('ssh server listening') ? 'ssh listening' : 'ssh not listening'}; last log line: ${lastLine.slice(0, 300) || 'none'}):\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    sshPort,
    dataDir,
    env,
    output: () => out,
    exited: () => (child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode ? `signal ${child.signalCode}` : undefined),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI (the same executable) with its own config file. */
export function cli(spur: SpurProcess, args: string[], extraEnv: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((res) => {
    const child = spawn(SPUR_BIN, args, { env: { ...spur.env, SPUR_CONFIG: join(spur.dataDir, 'cli.json'), ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
    // A command that exits without reading its input closes the pipe first (EPIPE): not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Mints a token on the server side and logs the CLI in with it. */
export async function loginCli(spur: SpurProcess, email = 'owner@example.com'): Promise<string> {
  const minted = await cli(spur, ['token', 'create', '--email', email]);
  if (minted.code !== 0) throw new Error(minted.stderr);
  const token = minted.stdout.trim();
  const login = await cli(spur, ['login', spur.url, '--token', token]);
  if (login.code !== 0) throw new Error(login.stderr);
  return token;
}

/** A kept-alive connection that Spur closed after 5 idle seconds while this process was too busy
 *  to notice is reset on reuse: a GET (which changes nothing) is asked again, once. */
const resetOnReuse = (err: unknown) => ((err as Error).cause as { code?: string } | undefined)?.code === 'ECONNRESET';

export function api(spur: SpurProcess, token?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const send = () =>
      fetch(`${spur.url}/api/v1${path}`, {
        method,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    const res = await send().catch((err) => (method === 'GET' && resetOnReuse(err) ? send() : Promise.reject(err)));
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json, text };
  };
}

const PROBE_SCRIPT = `
(async () => {
  const url = process.argv[1];
  let last;
  for (let i = 0; i < Number(process.argv[2] || 1); i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Number(process.argv[3] || 3000)) });
      process.stdout.write(await res.text());
      process.exit(0);
    } catch (err) { last = err; await new Promise((r) => setTimeout(r, 1000)); }
  }
  process.stderr.write('probe failed: ' + (last && (last.cause || last).message));
  process.exit(1);
})();`;

/** GETs a URL from a container attached to `network`: what another service on it would see.
 *  A request that times out is tried again: give a request that changes something a timeout
 *  longer than it can take, so that only a refused connection is retried. */
export async function probe(network: string, url: string, attempts = 20, timeoutMs = 3000): Promise<{ ok: boolean; body: string; error: string }> {
  try {
    const { stdout, stderr } = await run('docker', ['run', '--rm', '--network', network, '--label', 'spur.test=probe', BASE_IMAGE, 'node', '-e', PROBE_SCRIPT, url, String(attempts), String(timeoutMs)], { timeout: 180_000 });
    return { ok: true, body: stdout, error: stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, body: e.stdout ?? '', error: e.stderr || e.message };
  }
}

export const docker = async (...args: string[]) => (await run('docker', args, { timeout: 120_000 })).stdout.trim();

/** Removes every service, network and image Spur made for a project (found by label). */
export async function cleanupProject(project: string): Promise<void> {
  const services = (await docker('service', 'ls', '-q', '--filter', `label=spur.project=${project}`)).split('\n').filter(Boolean);
  if (services.length) await docker('service', 'rm', ...services);
  for (let i = 0; i < 30; i++) {
    const left = await docker('ps', '-aq', '--filter', `label=spur.project=${project}`);
    if (!left) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const networks = (await docker('network', 'ls', '-q', '--filter', `label=spur.project=${project}`)).split('\n').filter(Boolean);
  for (const n of networks) await docker('network', 'rm', n).catch(() => {});
  // Databases' volumes outlive their services by design; the tests' go with their project.
  const volumes = (await docker('volume', 'ls', '-q', '--filter', `label=spur.project=${project}`)).split('\n').filter(Boolean);
  for (const v of volumes) await docker('volume', 'rm', '-f', v).catch(() => {});
  const images = (await docker('image', 'ls', '-q', '--filter', `label=spur.project=${project}`)).split('\n').filter(Boolean);
  if (images.length) await docker('image', 'rm', '-f', ...new Set(images)).catch(() => {});
}

/** Looks every `everyMs` until `look` answers something, or fails saying what was not seen. */
export async function eventually<T>(what: string, look: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await look();
    if (seen !== undefined) return seen;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const uniqueName = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 8)}`;

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

const LOAD_SCRIPT = `
const http = require('http');
const [url, maxSeconds, intervalMs] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const stats = { ok: 0, failed: 0, bodies: {}, errors: {}, last: null };
let stopping = false;
const report = () => { process.stdout.write(JSON.stringify(stats) + '\\n'); process.exit(0); };
process.on('SIGTERM', () => { stopping = true; });
const once = () => new Promise((resolve) => {
  const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => {
      body = body.trim();
      if (res.statusCode === 200) { stats.ok++; stats.bodies[body] = (stats.bodies[body] || 0) + 1; stats.last = body; }
      else { stats.failed++; stats.errors['HTTP ' + res.statusCode] = (stats.errors['HTTP ' + res.statusCode] || 0) + 1; }
      resolve();
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err) => { stats.failed++; const k = err.code || err.message; stats.errors[k] = (stats.errors[k] || 0) + 1; resolve(); });
});
(async () => {
  const end = Date.now() + maxSeconds * 1000;
  while (!stopping && Date.now() < end && stats.ok + stats.failed < 100000) {
    await once();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  report();
})();`;

export interface LoadReport {
  ok: number;
  failed: number;
  bodies: Record<string, number>;
  errors: Record<string, number>;
  last: string | null;
}

/** A steady stream of requests from a container on \`network\`, each on a fresh connection with a
 *  fresh DNS lookup, bounded by time (and count). Stop it to read what it saw. */
export async function startLoadProbe(network: string, url: string, opts: { maxSeconds?: number; intervalMs?: number } = {}) {
  const name = uniqueName('spur-load-');
  await docker('run', '-d', '--name', name, '--label', 'spur.test=load', '--network', network, BASE_IMAGE, 'node', '-e', LOAD_SCRIPT, url, String(opts.maxSeconds ?? 300), String(opts.intervalMs ?? 25));
  return {
    async stop(): Promise<LoadReport> {
      await docker('stop', '-t', '10', name);
      const out = await docker('logs', name);
      await docker('rm', '-f', name);
      return JSON.parse(out.trim().split('\n').pop()!) as LoadReport;
    },
  };
}

/** Creates `count` services svc<from>… (svc0… by default) from an image and deploys them, `batch` at
 *  a time (as a team adds services: a hundred first starts at once crowd two cores past their start period). */
export async function deployServices(call: ReturnType<typeof api>, project: string, opts: { count: number; image: string; batch: number; from?: number }): Promise<void> {
  const first = opts.from ?? 0;
  for (let from = first; from < first + opts.count; from += opts.batch) {
    const ids: number[] = [];
    for (let i = from; i < Math.min(first + opts.count, from + opts.batch); i++) {
      await call('POST', `/projects/${project}/services`, { name: `svc${i}`, image: opts.image, port: 3000 });
      ids.push((await call('POST', `/projects/${project}/services/svc${i}/deployments`)).json.deployment.id);
    }
    for (const id of ids) {
      for (;;) {
        const { deployment } = (await call('GET', `/deployments/${id}`)).json;
        if (deployment.status === 'active') break;
        if (deployment.status === 'failed') throw new Error(`deployment ${id} failed: ${deployment.failureReason}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/** A git host (HTTPS) and a Spur that trusts it, with the CLI logged in. */
export async function startGitStack(opts: { gitToken?: string; env?: NodeJS.ProcessEnv } = {}) {
  const { startGitServer } = await import('./fixtures/git-server.js');
  const git = await startGitServer({ token: opts.gitToken });
  const spur = await startSpur({ env: { ...git.spurEnv, ...opts.env } });
  const token = await loginCli(spur);
  return { git, spur, token };
}

/** Stops what a test file started (any part may be missing if starting it failed), then removes
 *  the projects' Docker objects. */
export async function stopAll(parts: { browser?: { close(): Promise<void> }; spur?: SpurProcess; git?: { close(): Promise<void> } }, projects: string[] = []): Promise<void> {
  await parts.browser?.close();
  await parts.spur?.stop();
  await parts.git?.close();
  for (const p of projects) await cleanupProject(p);
}

/** Polls a deployment until it reaches one of `statuses`; returns its API view. */
export async function waitForDeployment(spur: SpurProcess, token: string, id: number, statuses = ['active', 'failed', 'cancelled', 'superseded'], timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await api(spur, token)('GET', `/deployments/${id}`).catch((err: Error) => {
      // Spur not answering is the failure to explain: say what it printed last.
      throw new Error(`${err.message} (${String((err.cause as Error | undefined)?.message ?? '')}); Spur ${spur.exited() ? `exited with ${spur.exited()}` : 'is still running'}; its last output:\n${spur.output().slice(-4000)}`);
    });
    if (statuses.includes(json.deployment.status)) return json.deployment;
    if (Date.now() > deadline) throw new Error(`deployment ${id} stayed ${json.deployment.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Debian's Chromium, headless, as root; Playwright gives every launch a fresh, empty profile. */
/** Logs the page in as the owner, with the password the tests give it ('a long password'). */
export async function logInPage(page: import('playwright-core').Page, spur: SpurProcess): Promise<void> {
  await page.goto(`${spur.url}/login`);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${spur.url}/`);
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
