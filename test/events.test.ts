// Events out, end to end: a webhook added with the CLI receives a signed `deployment.active` from a
// real deploy on the Swarm, the 500 it first answers is retried after 10 s, the delivery log says
// so, and a redelivery arrives again; `spur events --follow` prints the deployment's events as they
// happen. The receiver listens on a private address of this machine (private networks allowed).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../src/alerts/channels/webhook.js';
import { privateAddress } from './private-address.js';
import { expectReadmeWalked } from './readme.js';
import { SPUR_BIN, type SpurProcess, api, cleanupProject, cli, docker, eventually, loginCli, startSpur, stopAll, uniqueName } from './harness.js';

const project = uniqueName('evt');
const IMAGE = 'spur-test/events-hello:1';
let spur: SpurProcess;
let token: string;
let host: string;
/** The README's lines as run here: the project, the receiver's URL and the ids put back as the README writes them. */
const walked: string[] = [];
let readmeWords: [string, string][] = [];
const walk = (args: string[]) => {
  let line = ['spur', ...args].join(' ');
  for (const [actual, written] of readmeWords) line = line.replaceAll(actual, written);
  walked.push(line);
  return cli(spur, args);
};

interface Received { at: number; headers: Record<string, string | string[] | undefined>; body: string; answered: number }
const received: Received[] = [];
/** The first request is answered 500, the rest 204. */
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const answered = received.length === 0 ? 500 : 204;
    received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString(), answered });
    res.writeHead(answered).end();
  });
});

beforeAll(async () => {
  host = privateAddress();
  await cleanupProject(project);
  await new Promise<void>((r) => receiver.listen(0, host, r));
  await docker('build', '-q', '-t', IMAGE, join(__dirname, 'fixtures', 'hello-app'));
  spur = await startSpur({ env: { SPUR_NOTIFY_ALLOW_PRIVATE: '1' } });
  token = await loginCli(spur);
  const call = api(spur, token);
  expect((await call('POST', '/projects', { name: project })).status).toBe(201);
  expect((await call('POST', `/projects/${project}/services`, { name: 'web', image: IMAGE, port: 3000 })).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await stopAll({ spur }, [project]);
  receiver.close();
});

describe('events out', () => {
  it('refuses a webhook that cannot work, in one line, and stores nothing', async () => {
    for (const [args, says] of [
      [['--url', 'file:///etc/passwd'], /url: must start with https:\/\//],
      [['--url', `http://${host}:1/x`, '--types', 'deployment.done'], /deployment\.done is not an event type/],
      [['--url', `http://${host}:1/x`, '--secret', 'short'], /secret: must be at least 16 characters/],
    ] as const) {
      const r = await cli(spur, ['webhooks', 'add', project, 'bad', ...args]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(says);
    }
    expect((await cli(spur, ['webhooks', 'list', project])).stdout.trim()).toBe('No webhooks.');
  });

  it('posts a signed deployment.active of a real deploy, retries it after a 500, logs both attempts, and redelivers it', async () => {
    const url = `http://${host}:${(receiver.address() as AddressInfo).port}/spur`;
    readmeWords = [[url, 'https://ci.example.com/spur'], [project, 'shop']];
    const added = await walk(['webhooks', 'add', project, 'ci', '--url', url, '--types', 'deployment.active,deployment.failed']);
    expect(added.code, added.stderr).toBe(0);
    const [, id] = /^Added webhook (\d+) ci: deployment\.active,deployment\.failed go to [\d.]+:\d+$/m.exec(added.stdout) ?? [];
    const secret = /^Its signing secret \(shown once\): ([0-9a-f]{48})$/m.exec(added.stdout)?.[1];
    expect(id, added.stdout).toBeDefined();
    expect(secret, added.stdout).toBeDefined();
    readmeWords.push([` shop ${id}`, ' shop <id>']);

    // The CLI follows the project's events while the deploy runs.
    walked.push('spur events shop --follow');
    const follow = spawn(SPUR_BIN, ['events', project, '--follow'], { env: { ...spur.env, SPUR_CONFIG: join(spur.dataDir, 'cli.json') } });
    let followed = '';
    follow.stdout.on('data', (d) => (followed += d));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const deployed = await walk(['deploy', project, 'web']);
      expect(deployed.code, deployed.stderr).toBe(0);
      const lines = await eventually('the followed events', () => {
        const events = followed.split('\n').filter(Boolean);
        return events.some((e) => / deployment\.active /.test(e)) ? events : undefined;
      }, 30_000);
      expect(lines.map((l) => /^\S+ {2}#\d+ (\S+) {2}/.exec(l)?.[1])).toEqual(['deployment.queued', 'deployment.active']);
      expect(lines.every((l) => / service=web environment=production /.test(l))).toBe(true);
    } finally {
      follow.kill();
    }

    await eventually('the retried delivery', () => (received.length >= 2 ? true : undefined), 60_000);
    const [first, second] = received as [Received, Received];
    expect([first.answered, second.answered]).toEqual([500, 204]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(9_000);
    for (const r of [first, second]) {
      expect(r.headers['x-spur-signature']).toBe(signature(secret!, String(r.headers['x-spur-timestamp']), r.body));
      expect(r.headers['x-spur-event']).toBe('deployment.active');
      expect(JSON.parse(r.body)).toMatchObject({ type: 'deployment.active', project, data: { service: 'web', environment: 'production', status: 'active' } });
    }
    expect(second.headers['x-spur-delivery']).toBe(first.headers['x-spur-delivery']);

    const log = await walk(['webhooks', 'deliveries', project, id!]);
    expect(log.stdout).toMatch(new RegExp(`^#${first.headers['x-spur-delivery']}\\tdeployment\\.active \\(event \\d+\\)\\tdelivered 204\\t2 attempts$`, 'm'));
    readmeWords.push([` ${first.headers['x-spur-delivery']}`, ' <delivery>']);
    const again = await walk(['webhooks', 'redeliver', project, id!, String(first.headers['x-spur-delivery'])]);
    expect(again.stdout).toMatch(/^Delivery \d+ sends it again now\.$/m);
    await eventually('the redelivery', () => (received.length >= 3 ? true : undefined), 30_000);
    expect(received[2]!.headers['x-spur-delivery']).not.toBe(first.headers['x-spur-delivery']);
    expect(JSON.parse(received[2]!.body).id).toBe(JSON.parse(first.body).id);
  }, 240_000);

  it('has walked the README\'s "Event webhooks"', () => expectReadmeWalked('Event webhooks', walked));
});
