// End to end: the README's install line, run for real as root inside a Debian system container
// (systemd as PID 1, this machine's Docker socket mounted), fetching the freshly built executable
// from a local HTTPS mirror. Then what an operator does next, as the README shows it: re-run the
// installer, `spur update`, `spur backup`; an update started from the UI's button (the API it
// shares) to a release that exits at start is rolled back with the database intact; a wrong
// checksum and a non-root run are refused before anything changes.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type ReleaseMirror, startReleaseMirror } from './fixtures/release-mirror.js';
import { SPUR_BIN, docker, uniqueName } from './harness.js';
import { readmeShellBlocks, withoutComment } from './readme.js';

const run = promisify(execFile);
const IMAGE = 'spur-test/systemd:bookworm-1';
const ROOT = resolve(__dirname, '..');
const README_URL = 'https://raw.githubusercontent.com/spur-paas/spur/main/install.sh';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const container = uniqueName('spur-install-');
const built = JSON.parse(readFileSync(join(ROOT, 'dist', 'release.json'), 'utf8')) as { version: string };
const NEWER = '0.1.9001';
const BROKEN = '0.1.9002';
const TAMPERED = '0.1.9003';
let mirror: ReleaseMirror;
let ownerToken = '';

/** A shell line run as root in the container (or as `user`), with the mirror's CA trusted by Node. */
async function sh(line: string, opts: { user?: string; timeoutMs?: number } = {}): Promise<{ code: number; out: string; err: string }> {
  const args = ['exec', '-e', `NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`, ...(opts.user ? ['-u', opts.user] : []), container, 'bash', '-c', line];
  try {
    const { stdout, stderr } = await run('docker', args, { timeout: opts.timeoutMs ?? 240_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}
const health = async () => JSON.parse((await sh('curl -fsS http://127.0.0.1:3000/healthz')).out || '{}') as { version?: string };
const api = (method: string, path: string) => sh(`curl -sS -X ${method} -H 'Authorization: Bearer ${ownerToken}' http://127.0.0.1:3000/api/v1${path}`);
const installedSha = async () => (await sh('sha256sum /var/lib/spur/bin/spur')).out.split(' ')[0];

/** The README's lines under `heading`, comments dropped. */
function readmeLines(heading: string): string[] {
  const block = readmeShellBlocks().find((b) => b.heading === heading);
  if (!block) throw new Error(`the README has no shell block under "${heading}" any more`);
  return block.lines.map(withoutComment).filter(Boolean);
}
/** The README's install line, pointed at the mirror with the settings this machine needs. */
function installLine(env: Record<string, string> = {}): string {
  const [line] = readmeLines('Install on a server');
  expect(line).toBe(`curl -fsSL ${README_URL} | sudo bash`);
  const settings = { SPUR_DOWNLOAD_URL: mirror.releasesUrl, SPUR_TRAEFIK: '0', NODE_EXTRA_CA_CERTS: CA_BUNDLE, ...env };
  return line.replace(README_URL, `${mirror.url}/install.sh`).replace('| sudo bash', `| sudo ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(' ')} bash`);
}

beforeAll(async () => {
  mirror = await startReleaseMirror(join(ROOT, 'install.sh'));
  mirror.publish(built.version, readFileSync(SPUR_BIN));
  mirror.setLatest(built.version);
  // A newer build of the same sources, and a "release" that exits at start (its --version works).
  const newer = mkdtempSync(join(tmpdir(), 'spur-newer-'));
  execFileSync(process.execPath, ['scripts/release.mjs', '--out', newer], { cwd: ROOT, env: { ...process.env, SPUR_BUILD_VERSION: NEWER }, stdio: 'ignore' });
  mirror.publish(NEWER, readFileSync(join(newer, 'spur-linux-x64')));
  const broken = join(newer, 'broken');
  writeFileSync(broken, `#!/bin/sh\nif [ "$1" = --version ]; then echo "spur ${BROKEN} (broken)"; exit 0; fi\necho "this release exits at start" >&2\nexit 1\n`);
  mirror.publish(BROKEN, readFileSync(broken));
  mirror.publish(TAMPERED, readFileSync(broken), { checksum: 'a'.repeat(64) });

  await docker('run', '-d', '--name', container, '--label', 'spur.test=install', '--cgroupns=host', '--cap-add', 'SYS_ADMIN', '--security-opt', 'apparmor=unconfined',
    '-v', '/sys/fs/cgroup:/sys/fs/cgroup:ro', '--tmpfs', '/run', '--tmpfs', '/run/lock', '-v', '/var/run/docker.sock:/run/docker.sock', IMAGE, '/sbin/init');
  for (let i = 0; i < 60; i++) {
    const state = (await sh('systemctl is-system-running')).out.trim();
    if (state === 'running' || state === 'degraded') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  writeFileSync(join(newer, 'mirror-ca.crt'), mirror.caPem);
  await docker('cp', join(newer, 'mirror-ca.crt'), `${container}:/usr/local/share/ca-certificates/spur-test-mirror.crt`);
  expect((await sh('update-ca-certificates >/dev/null')).code).toBe(0);
}, 300_000);

afterAll(async () => {
  // The Spur inside made nothing but the spur-edge network, shared with the tests.
  await docker('rm', '-f', container).catch(() => {});
  await mirror?.close();
});

describe.sequential('install.sh, for real', () => {
  it('refuses a run that is not root, before anything changes', async () => {
    const r = await sh(installLine().replace('| sudo ', '| '), { user: 'nobody' });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('spur install: run as root: curl -fsSL …/install.sh | sudo bash');
    expect((await sh('test -e /var/lib/spur || test -e /etc/systemd/system/spur.service')).code).toBe(1);
  });

  it("the README's line installs Spur: the unit is active and hardened, the UI answers, the setup token is printed, spur is on the PATH", async () => {
    const r = await sh(installLine());
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain(`==> Verified spur ${built.version} (`);
    expect(r.out).toContain(`==> Spur ${built.version} is running: http://`);
    const token = /create the owner account with this one-time setup token:\n\n {4}(\S+)\n/.exec(r.out)?.[1];
    expect(token).toBe((await sh('cat /var/lib/spur/setup-token')).out.trim());

    expect((await sh('systemctl is-active spur')).out.trim()).toBe('active');
    expect((await sh('curl -fsS http://127.0.0.1:3000/setup')).out).toContain('Setup token');
    expect((await sh('command -v spur && spur --version')).out).toMatch(new RegExp(`^/usr/local/bin/spur\nspur ${built.version.replace(/\./g, '\\.')} \\(`));
    expect((await health()).version).toBe(built.version);
    expect((await sh('stat -c %a /var/lib/spur /etc/spur/spur.env')).out.split('\n').slice(0, 2)).toEqual(['700', '600']);
    expect((await sh('cat /etc/spur/spur.env')).out).toContain('SPUR_TRAEFIK=0');
    const unit = (await sh('systemctl show spur -p Restart -p NoNewPrivileges -p ProtectSystem -p PrivateTmp -p ReadWritePaths')).out;
    expect(unit.split('\n').filter(Boolean).sort()).toEqual(['NoNewPrivileges=yes', 'PrivateTmp=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/spur', 'Restart=always']);
    // The sandbox holds: the service sees / read-only and may not gain privileges.
    const pid = (await sh('systemctl show -p MainPID --value spur')).out.trim();
    expect((await sh(`grep NoNewPrivs /proc/${pid}/status`)).out).toMatch(/NoNewPrivs:\s+1/);
    expect((await sh(`awk '$5 == "/" {print $6}' /proc/${pid}/mountinfo`)).out).toMatch(/^ro/);
    // The malloc settings bench:idle measures with are the ones the service runs with.
    expect((await sh(`tr '\\0' '\\n' < /proc/${pid}/environ | grep ^MALLOC_ | sort`)).out.trim().split('\n')).toEqual(['MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=131072']);
  });

  it('runs again as an upgrade in place: same data, same token, still active', async () => {
    const before = (await sh('cat /var/lib/spur/install-id /var/lib/spur/setup-token')).out;
    const r = await sh(installLine());
    expect(r.code, r.err + r.out).toBe(0);
    expect((await sh('cat /var/lib/spur/install-id /var/lib/spur/setup-token')).out).toBe(before);
    expect((await sh('systemctl is-active spur')).out.trim()).toBe('active');
    expect((await sh('grep -c "^SPUR_TRAEFIK=" /etc/spur/spur.env')).out.trim()).toBe('1');

    ownerToken = (await sh('spur token create --email owner@example.com')).out.trim();
    expect(ownerToken).toMatch(/^spur_/);
    expect((await api('POST', '/projects -H "Content-Type: application/json" -d \'{"name":"kept"}\'')).out).toContain('"kept"');
  });

  it('refuses a release whose checksum does not match, before anything changes', async () => {
    const sha = await installedSha();
    const r = await sh(installLine({ SPUR_VERSION: TAMPERED }));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(new RegExp(`^spur install: checksum mismatch for .*/download/v${TAMPERED}/spur-linux-x64: expected a{64}, got [0-9a-f]{64}; nothing was changed$`));
    expect(await installedSha()).toBe(sha);
    expect((await health()).version).toBe(built.version);
  });

  it("the README's update and backup lines: spur update goes to the newer release with the data kept; a backup restores under systemd", async () => {
    mirror.setLatest(NEWER);
    const lines = readmeLines('Update and back up');
    expect(lines).toEqual(['spur update', 'spur backup create', 'spur backup list', 'spur backup restore /var/lib/spur/backups/spur-backup-<time>.tar.gz']);

    const updated = await sh(lines[0]);
    expect(updated.code, updated.err + updated.out).toBe(0);
    expect(updated.out).toContain(`Spur ${NEWER} is running`);
    expect((await health()).version).toBe(NEWER);
    expect((await api('GET', '/projects')).out).toContain('"kept"');

    const made = await sh(lines[1]);
    expect(made.code, made.err).toBe(0);
    const file = /^Wrote (\S+) /.exec(made.out)![1];
    expect((await sh(lines[2])).out).toContain(file);
    expect((await api('POST', '/projects -H "Content-Type: application/json" -d \'{"name":"after-backup"}\'')).out).toContain('after-backup');
    // The feed now offers a release that exits at start; the restore's restart reads it.
    mirror.setLatest(BROKEN);
    const restored = await sh(lines[3].replace(/spur-backup-<time>\.tar\.gz$/, file.split('/').pop()!));
    expect(restored.code, restored.err + restored.out).toBe(0);
    expect((await health()).version).toBe(NEWER);
    const projects = (await api('GET', '/projects')).out;
    expect(projects).toContain('"kept"');
    expect(projects).not.toContain('after-backup');
  });

  it('an update started from the UI (its API) to a release that exits at start is rolled back, with the database intact', async () => {
    for (let i = 0; i < 40 && !(await api('GET', '/update')).out.includes(BROKEN); i++) await new Promise((r) => setTimeout(r, 500));
    expect(JSON.parse((await api('GET', '/update')).out)).toMatchObject({ version: NEWER, available: { version: BROKEN } });
    // An older install's unit keeps systemd's start limit; tightened here, the broken release's
    // crash loop fills it at once, as a 2 s restart loop can: no start Spur asks for is refused.
    const limit = '/etc/systemd/system/spur.service.d/start-limit.conf';
    expect((await sh(`mkdir -p ${dirname(limit)} && printf '[Unit]\\nStartLimitIntervalSec=1h\\nStartLimitBurst=1\\n' > ${limit} && systemctl daemon-reload`)).code).toBe(0);
    onTestFinished(async () => void (await sh(`rm -f ${limit} && systemctl daemon-reload && systemctl reset-failed spur`)));
    const started = await api('POST', '/update');
    expect(JSON.parse(started.out)).toEqual({ updating: BROKEN });

    // The update runs in its own transient unit; it gives the broken release 60 s, then restores
    // and ends once the restored Spur answers (its journal is read: a loaded machine's systemctl
    // can time out and list nothing while the unit still runs).
    const journal = async () => (await sh("journalctl --no-pager -o cat -u 'spur-update-*'")).out;
    await expect.poll(journal, { timeout: 150_000, interval: 2000 }).toContain(`Spur ${NEWER} and its database are back and running`);
    expect(await journal()).toContain(`Spur ${BROKEN} did not answer within 60 s; putting back Spur ${NEWER} and the database`);
    expect((await health()).version).toBe(NEWER);
    expect((await sh('spur --version')).out).toMatch(new RegExp(`^spur ${NEWER.replace(/\./g, '\\.')} `));
    expect((await sh('systemctl is-active spur')).out.trim()).toBe('active');
    expect((await api('GET', '/projects')).out).toContain('"kept"');
    expect((await sh('ls /var/lib/spur/backups')).out).toContain(`before-update-${NEWER}-to-${BROKEN}.db`);
  });

  it('starts Spur however often it is restarted: the unit has no start limit', async () => {
    // systemd's default refuses a sixth start within 10 s.
    const restarted = await sh('for i in 1 2 3 4 5 6 7; do systemctl restart spur || { echo "restart $i refused"; exit 1; }; done');
    expect(restarted.code, restarted.out + restarted.err).toBe(0);
    await expect.poll(async () => (await health()).version, { timeout: 60_000, interval: 500 }).toBe(NEWER);
  });
  it("asks a first install run from a terminal for Spur's own domain, refusing a bad answer before anything changes", async () => {
    expect((await sh('mv /etc/spur/spur.env /root/spur.env.before')).code).toBe(0);
    const inTerminal = (answer: string) => sh(`printf '%s\\n' '${answer}' | script -qec "${installLine({ SPUR_VERSION: NEWER }).replace(/"/g, '\\"')}" /dev/null`);
    const sha = await installedSha();
    const bad = await inTerminal('spur_example.com');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("Spur's own domain, for its UI over HTTPS");
    expect(bad.out).toContain('spur install: SPUR_DOMAIN spur_example.com is not a domain name like spur.example.com');
    expect(await installedSha()).toBe(sha);
    expect((await sh('test -e /etc/spur/spur.env')).code).toBe(1);

    const good = await inTerminal('Spur.Install.Example');
    expect(good.code, good.out).toBe(0);
    expect(good.out).toContain("Spur's domain: https://spur.install.example once its certificate is in");
    expect(good.out).toContain('git push: ssh://git@spur.install.example:2222/');
    expect((await sh('grep ^SPUR_DOMAIN= /etc/spur/spur.env')).out.trim()).toBe('SPUR_DOMAIN=spur.install.example');
    const settings = JSON.parse((await api('GET', '/settings')).out);
    expect(settings).toMatchObject({ domain: { hostname: 'spur.install.example' }, domainFromEnvironment: true });
  });
  it("the README's switch-over to Spur's own domain: listening on localhost only, the UI is off the server's public address", async () => {
    const lines = readmeLines('Spur on its own domain (HTTPS)');
    expect(lines).toEqual(["sudo sh -c 'echo SPUR_HOST=127.0.0.1 >> /etc/spur/spur.env'", 'sudo systemctl restart spur']);
    const address = (await sh("hostname -I | awk '{print $1}'")).out.trim();
    expect((await sh(`curl -fsS --max-time 5 http://${address}:3000/healthz`)).code).toBe(0);
    for (const line of lines) expect((await sh(line)).code).toBe(0);
    for (let i = 0; i < 60 && !(await health()).version; i++) await new Promise((r) => setTimeout(r, 500));
    expect((await health()).version).toBe(NEWER);
    expect((await sh(`curl -fsS --max-time 5 http://${address}:3000/healthz`)).code).not.toBe(0);
    // git push stays open on the public address.
    expect((await sh(`timeout 5 bash -c 'exec 3<>/dev/tcp/${address}/2222; head -c 7 <&3'`)).out).toBe('SSH-2.0');
    expect(JSON.parse((await api('GET', '/settings')).out).domain.hostname).toBe('spur.install.example');
  });
});
