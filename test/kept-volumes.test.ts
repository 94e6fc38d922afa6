// Kept data is never handed to a new owner, end to end: project A's service volume and database
// volume stay in Docker when A is deleted, and a project B made with the very same names
// (project, service, volume, database) starts on empty volumes of its own, while A's data stays
// where it was, to be read or removed by hand.
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BASE_IMAGE, type SpurProcess, api, cli, docker, loginCli, probe, startSpur, stopAll, uniqueName, waitForDeployment } from './harness.js';

const project = uniqueName('reuse');
let spur: SpurProcess;
let token: string;
let call: ReturnType<typeof api>;
const kept: string[] = [];

function build(tag: string, from: string): string {
  const r = spawnSync('docker', ['build', '-q', '-t', tag, '-f', '-', join(__dirname, 'fixtures', 'db-app')], { input: `FROM ${from}\nCOPY server.js /app/server.js\nENTRYPOINT ["node", "/app/server.js"]\n` });
  expect(r.status, String(r.stderr)).toBe(0);
  return tag;
}
const filesImage = `spur-test/files-app:${project}`;
const pgImage = `spur-test/db-app-pg:${project}`;

// A write is not sent twice: it waits up to a minute rather than being retried after a timeout.
const get = async (service: string, path: string) => (await probe(`spur_${project}_production`, `http://${service}:3000${path}`, 20, path.startsWith('/write') ? 60_000 : 3000)).body.trim();
const mountOf = async (swarmService: string) => (JSON.parse(await docker('service', 'inspect', swarmService))[0].Spec.TaskTemplate.ContainerSpec.Mounts as { Type: string; Source: string; Target: string }[]).find((m) => m.Type === 'volume')?.Source;
const volumeExists = async (name: string) => (await docker('volume', 'ls', '-q', '--filter', `name=^${name}$`)).trim() === name;

async function deploy(service: string): Promise<void> {
  const { json } = await call('POST', `/projects/${project}/services/${service}/deployments`);
  const done = await waitForDeployment(spur, token, json.deployment.id);
  expect(done.status, done.failureReason).toBe('active');
}

/** The same project every time: a service `files` with a volume `data` at /data, a Postgres `pg`,
 *  and a service `web` that keeps rows in it. */
async function createTenant(): Promise<{ filesVolume: string; pgVolume: string }> {
  for (const args of [
    ['project', 'create', project],
    ['service', 'create', project, 'files', '--image', filesImage],
    ['vars', 'set', project, 'files', 'DATABASE_URL=file:///data/rows'],
    ['volumes', 'add', project, 'files', 'data', '/data'],
    ['db', 'create', project, 'pg', '--engine', 'postgres'],
    ['service', 'create', project, 'web', '--image', pgImage],
    // The test images are on this server only (another test may have joined a second one).
    ['settings', project, 'web', '--run-on', 'manager'],
    ['vars', 'set', project, 'web', 'DATABASE_URL=${{pg.DATABASE_URL}}'],
  ]) {
    const r = await cli(spur, args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
  await expect.poll(async () => (await call('GET', `/projects/${project}/databases/pg`)).json.database.running, { timeout: 120_000, interval: 1000 }).toBe(1);
  await deploy('files');
  await deploy('web');
  const filesVolume = await mountOf(`spur_${project}_files_production`);
  const pgVolume = await mountOf(`spur_${project}_pg_production`);
  expect(filesVolume).toBeTruthy();
  expect((await call('GET', `/projects/${project}/databases/pg`)).json.database.volume).toBe(pgVolume);
  return { filesVolume: filesVolume as string, pgVolume: pgVolume as string };
}

beforeAll(async () => {
  build(filesImage, BASE_IMAGE);
  build(pgImage, 'postgres:17');
  spur = await startSpur();
  token = await loginCli(spur);
  call = api(spur, token);
}, 120_000);

afterAll(async () => {
  await stopAll({ spur }, [project]);
  // A's volumes carry the project's labels, so cleanupProject has removed them; by name, in case.
  for (const v of kept) await docker('volume', 'rm', '-f', v).catch(() => {});
});

it('a project re-made with a deleted one\'s names mounts new, empty volumes; the deleted one\'s stay in Docker with its data', async () => {
  const a = await createTenant();
  kept.push(a.filesVolume, a.pgVolume);
  expect(await get('files', '/write?v=a1')).toBe('ok');
  expect(await get('web', '/write?v=a1')).toMatch(/INSERT 0 1$/);
  expect(await get('web', '/read')).toBe('a1');

  const deleted = await cli(spur, ['project', 'delete', project, '--yes']);
  expect(deleted.code, deleted.stderr).toBe(0);
  expect(await volumeExists(a.filesVolume)).toBe(true);
  expect(await volumeExists(a.pgVolume)).toBe(true);

  const b = await createTenant();
  // B sees nothing of A's: an empty file volume, and a database of its own (its password works).
  expect(await get('files', '/read')).toBe('');
  expect(await get('files', '/write?v=b1')).toBe('ok');
  expect(await get('files', '/read')).toBe('b1');
  expect(await get('web', '/write?v=b1')).toMatch(/INSERT 0 1$/);
  expect(await get('web', '/read')).toBe('b1');
  expect(b.filesVolume).not.toBe(a.filesVolume);
  expect(b.pgVolume).not.toBe(a.pgVolume);
  // `spur volumes list` names the Docker volume behind each, and `spur db info` the database's.
  expect((await cli(spur, ['volumes', 'list', project, 'files'])).stdout.trim()).toBe(`data\t/data\t${b.filesVolume}`);
  expect((await cli(spur, ['db', 'info', project, 'pg'])).stdout).toMatch(new RegExp(`^Data: +volume ${b.pgVolume}$`, 'm'));

  // Nothing of A's was lost: its volumes are still there, its file still holds what it wrote.
  expect(await volumeExists(a.filesVolume)).toBe(true);
  expect(await volumeExists(a.pgVolume)).toBe(true);
  expect(await docker('run', '--rm', '-v', `${a.filesVolume}:/data:ro`, BASE_IMAGE, 'cat', '/data/rows')).toBe('a1');
  expect(await docker('run', '--rm', '-v', `${a.pgVolume}:/pg:ro`, BASE_IMAGE, 'ls', '/pg')).toContain('PG_VERSION');

  // Deleting B's service with its volumes removes B's volume, never A's kept one.
  const del = await cli(spur, ['service', 'delete', project, 'files', '--yes', '--delete-volumes']);
  expect(del.code, del.stderr).toBe(0);
  expect(await volumeExists(b.filesVolume)).toBe(false);
  expect(await volumeExists(a.filesVolume)).toBe(true);
  // A kept volume is removed by hand, as the README says.
  await docker('volume', 'rm', a.filesVolume);
  expect(await volumeExists(a.filesVolume)).toBe(false);
}, 600_000);
