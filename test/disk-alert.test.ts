// The disk rule against a real, small file system: a loop-mounted 32 MiB ext4 that Spur is told to
// watch (SPUR_DISK_PATH) is filled past 85%; the server's disk figures show it and the alert
// reaches the installation's webhook, signed, naming the server and how full it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signature } from '../src/alerts/channels/webhook.js';
import { type SpurProcess, api, loginCli, startSpur } from './harness.js';

const SECRET = 'disk-webhook-secret-0123';
const dir = mkdtempSync(join(tmpdir(), 'spur-disk-'));
const image = join(dir, 'disk.img');
const mount = join(dir, 'mnt');
let spur: SpurProcess;
let token: string;
const hooks: { event: string; title: string; text: string; link: string | null }[] = [];
const hookServer = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    if (req.headers['x-spur-signature'] === signature(SECRET, String(req.headers['x-spur-timestamp']), body)) hooks.push(JSON.parse(body));
    res.end('ok');
  });
});

beforeAll(async () => {
  execFileSync('truncate', ['-s', '32M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  execFileSync('mkdir', ['-p', mount]);
  execFileSync('mount', ['-o', 'loop', image, mount]);
  await new Promise<void>((r) => hookServer.listen(0, '0.0.0.0', r));
  spur = await startSpur({ env: { SPUR_DISK_PATH: mount, SPUR_METRICS_SAMPLE: '1', SPUR_ALERT_EVERY: '3', SPUR_NOTIFY_ALLOW_PRIVATE: '1' } });
  token = await loginCli(spur);
});
afterAll(async () => {
  await spur?.stop();
  hookServer.close();
  try {
    execFileSync('umount', [mount]);
  } catch {}
  rmSync(dir, { recursive: true, force: true });
});

it('fires when a server\'s disk is over 85% full, read from the file system it watches', async () => {
  const call = api(spur, token);
  const url = `http://172.17.0.1:${(hookServer.address() as AddressInfo).port}/disk`;
  expect((await call('POST', '/alerts/channels', { name: 'ops-hook', kind: 'webhook', url, secret: SECRET })).status).toBe(201);
  // Filled to 92% of its size: what is used counts what only root may still write as taken.
  const fs = statfsSync(mount);
  const total = fs.blocks * fs.bsize;
  const used = total - fs.bavail * fs.bsize;
  writeFileSync(join(mount, 'fill'), Buffer.alloc(Math.floor(0.92 * total - used)));

  const manager = (await call('GET', '/servers')).json.servers[0].name as string;
  const deadline = Date.now() + 150_000;
  while (!hooks.some((h) => h.event === 'alert.firing')) {
    if (Date.now() > deadline) throw new Error(`no disk alert arrived\nSpur's last output:\n${spur.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const alert = hooks.find((h) => h.event === 'alert.firing')!;
  expect(alert.title).toMatch(new RegExp(`^Server ${manager}'s disk is (9[0-9])% full$`));
  expect(alert.text).toMatch(/^\d+ of \d+ MiB used\. Builds and deploys fail once it is full/);
  expect(alert.link).toBe(`${spur.url}/servers/${manager}`);
  const points = (await call('GET', `/servers/${manager}/metrics?range=hour`)).json.points as { disk?: number; diskSize?: number }[];
  const measured = points.filter((p) => p.disk !== undefined && p.diskSize !== undefined).at(-1)!;
  expect(measured.diskSize).toBe(total);
  expect(measured.disk! / measured.diskSize!).toBeGreaterThan(0.85);
  const open = (await call('GET', '/alerts')).json.open as { rule: string; state: string }[];
  expect(open).toEqual([expect.objectContaining({ rule: 'disk', state: 'firing' })]);
}, 240_000);
