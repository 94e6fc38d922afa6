// git as Spur runs it for a clone: connected to the address Spur checked (https through curl's
// resolve list, ssh through HostName), and never following a redirect to a host it did not check.
// Real git and ssh, local servers only; no network, no Docker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cloneBranchHead, gitEnvironment } from './clone.js';

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler!(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, requests };
}

describe('an http(s) clone', () => {
  it('does not follow a redirect: no request reaches where it points, and the error says so', async () => {
    const target = await listen((_req, res) => res.writeHead(404).end());
    const host = await listen((req, res) => res.writeHead(301, { Location: `http://127.0.0.1:${target.port}${req.url}` }).end());
    const dir = join(mkdtempSync(join(tmpdir(), 'spur-git-test-')), 'checkout');
    dirs.push(dir);
    const clone = cloneBranchHead({ url: `http://git.example:${host.port}/org/repo.git`, branch: 'main', dir, pin: { scheme: 'http', host: 'git.example', port: host.port, address: '127.0.0.1' }, timeoutMs: 20_000 });
    await expect(clone).rejects.toThrow(`git.example answered with a redirect (HTTP 301), which Spur does not follow: give the repository's own URL`);
    expect(host.requests).toEqual(['/org/repo.git/info/refs?service=git-upload-pack']);
    expect(target.requests).toEqual([]);
  });

  it('is pinned to the checked address and never follows redirects, also for a commit fetched afterwards', () => {
    const env = gitEnvironment({ pin: { scheme: 'https', host: 'git.example', port: 443, address: '203.0.113.5' } });
    const config = Object.fromEntries(Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]));
    expect(config).toEqual({ 'http.followRedirects': 'false', 'http.curloptResolve': 'git.example:443:203.0.113.5' });
    expect(env.GIT_ALLOW_PROTOCOL).toBe('https:ssh');
  });
});

/** The settings ssh really uses when git runs GIT_SSH_COMMAND (through a shell, as git does). */
function sshSettings(env: Record<string, string>, args: string[]): Record<string, string> {
  const out = spawnSync('sh', ['-c', `${env.GIT_SSH_COMMAND} -G "$@"`, 'ssh', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmpdir() } });
  expect(out.status, out.stderr).toBe(0);
  return Object.fromEntries(out.stdout.split('\n').map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]));
}

describe('an ssh clone', () => {
  it('connects to the checked address, the host key still known by the name (and port) in the URL', () => {
    const env = gitEnvironment({ knownHostsFile: '/var/lib/spur/known_hosts', pin: { scheme: 'ssh', host: 'Git.Example', port: 22, address: '203.0.113.5' } });
    const ssh = sshSettings(env, ['git@Git.Example']);
    expect([ssh.hostname, ssh.hostkeyalias, ssh.port, ssh.userknownhostsfile]).toEqual(['203.0.113.5', 'git.example', '22', '/var/lib/spur/known_hosts']);
    // git adds -p for another port; the key is recorded under [host]:port, as ssh itself would.
    const other = sshSettings(gitEnvironment({ pin: { scheme: 'ssh', host: 'git.example', port: 2222, address: '2001:db8::5' } }), ['-p', '2222', 'git@git.example']);
    expect([other.hostname, other.hostkeyalias, other.port]).toEqual(['2001:db8::5', '[git.example]:2222', '2222']);
  });

  it('refuses a pin that is not a plain host name and an IP address (the ssh command goes through a shell)', () => {
    for (const pin of [
      { host: "git.example'; touch /tmp/x; '", address: '203.0.113.5' },
      { host: 'git.example', address: '203.0.113.5 -oProxyCommand=x' },
      { host: 'git.example', address: 'git.other' },
    ]) {
      expect(() => gitEnvironment({ pin: { scheme: 'ssh', port: 22, ...pin } }), JSON.stringify(pin)).toThrow(/not a plain host name and address/);
    }
  });
});
