// End to end: git URLs never lead Spur to this machine or to link-local addresses (cloud
// metadata); private networks only when the owner allows it, checked again before each clone;
// a redirect from an allowed host to one Spur never checked is not followed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PRIVATE_HOST } from './fixtures/git-server.js';
import { type SpurProcess, api, loginCli, startSpur, waitForDeployment } from './harness.js';

const started: SpurProcess[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

async function spurWith(env: NodeJS.ProcessEnv, dataDir?: string) {
  const spur = await startSpur({ env, dataDir });
  started.push(spur);
  const token = await loginCli(spur);
  return { spur, token, call: api(spur, token) };
}

const refused: [string, RegExp][] = [
  ['https://127.0.0.1/org/repo.git', /127\.0\.0\.1 is a loopback address/],
  ['https://localhost:8443/org/repo.git', /^git URL: localhost resolves to a loopback address; Spur does not fetch from there$/],
  ['https://[::1]/org/repo.git', /::1 is a loopback address/],
  ['ssh://git@127.0.0.2:22/org/repo.git', /loopback/],
  ['git@localhost:org/repo.git', /loopback/],
  ['https://169.254.169.254/latest/meta-data.git', /link-local address/],
  ['https://[::ffff:169.254.169.254]/x/y.git', /link-local/],
  ['https://0.0.0.0/org/repo.git', /unspecified/],
];

describe('git hosts', () => {
  it('refuses loopback, link-local and (by default) private hosts and http://, creating nothing', async () => {
    const { call } = await spurWith({});
    expect((await call('POST', '/projects', { name: 'hosts' })).status).toBe(201);
    const cases: [string, RegExp][] = [
      ...refused,
      [`https://${PRIVATE_HOST}/org/repo.git`, /(is|resolves to) an address on a private network; .*SPUR_GIT_ALLOW_PRIVATE=1/],
      ['https://10.20.30.40/org/repo.git', /private network/],
      ['http://example.com/org/repo.git', /http:\/\/ is accepted only for git hosts on a private network/],
    ];
    for (const [git, reason] of cases) {
      const res = await call('POST', '/projects/hosts/services', { name: 'web', git });
      expect(res.status, git).toBe(400);
      expect(res.json.error, git).toMatch(reason);
    }
    expect((await call('GET', '/projects/hosts')).json.services).toEqual([]);
  });

  it('with private hosts allowed, still refuses loopback and link-local; checks again before each clone', async () => {
    const first = await spurWith({ SPUR_GIT_ALLOW_PRIVATE: '1' });
    expect((await first.call('POST', '/projects', { name: 'lan' })).status).toBe(201);
    for (const [git, reason] of refused) {
      const res = await first.call('POST', '/projects/lan/services', { name: 'web', git });
      expect(res.status, git).toBe(400);
      expect(res.json.error, git).toMatch(reason);
    }
    for (const git of [`http://${PRIVATE_HOST}:3000/org/repo.git`, `https://${PRIVATE_HOST}:1/org/repo.git`]) {
      const lan = await first.call('POST', '/projects/lan/services', { name: git.startsWith('http:') ? 'plain' : 'gitea', git });
      expect(lan.status, lan.json.error).toBe(201);
    }
    const publicHttp = await first.call('POST', '/projects/lan/services', { name: 'web', git: 'http://140.82.112.3/org/repo.git' });
    expect(publicHttp.json.error).toMatch(/http:\/\/ is accepted only for git hosts on a private network/);

    // The owner turns private hosts off again: the next clone is refused before git runs.
    await first.spur.stop();
    const second = await spurWith({}, first.spur.dataDir);
    const created = await second.call('POST', '/projects/lan/services/gitea/deployments');
    const d = await waitForDeployment(second.spur, second.token, created.json.deployment.id);
    expect(d.status).toBe('failed');
    expect(d.failureReason).toMatch(/could not fetch branch main: git URL: 172\.17\.0\.1 is an address on a private network/);
  });

  it('does not follow an allowed http:// host that redirects to this machine: the clone fails saying so, and nothing reaches the target', async () => {
    // What the redirect points at: a server on loopback, which Spur must never fetch from.
    const reached: string[] = [];
    const target = createServer((req, res) => {
      reached.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const targetPort = (target.address() as AddressInfo).port;
    // The allowed host: on the private network (SPUR_GIT_ALLOW_PRIVATE=1), answering every request with 301.
    const asked: string[] = [];
    const redirecting = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(301, { Location: `http://127.0.0.1:${targetPort}${req.url}` }).end();
    });
    await new Promise<void>((r) => redirecting.listen(0, PRIVATE_HOST, () => r()));
    const port = (redirecting.address() as AddressInfo).port;
    try {
      const { spur, token, call } = await spurWith({ SPUR_GIT_ALLOW_PRIVATE: '1' });
      expect((await call('POST', '/projects', { name: 'moved' })).status).toBe(201);
      const created = await call('POST', '/projects/moved/services', { name: 'web', git: `http://${PRIVATE_HOST}:${port}/org/repo.git` });
      expect(created.status, created.json.error).toBe(201);
      const queued = await call('POST', '/projects/moved/services/web/deployments');
      const d = await waitForDeployment(spur, token, queued.json.deployment.id);
      expect(d.status).toBe('failed');
      expect(d.failureReason).toBe(`could not fetch branch main: ${PRIVATE_HOST} answered with a redirect (HTTP 301), which Spur does not follow: give the repository's own URL`);
      expect(asked).toEqual(['/org/repo.git/info/refs?service=git-upload-pack']);
      expect(reached).toEqual([]);
    } finally {
      target.close();
      redirecting.close();
    }
  });
});
