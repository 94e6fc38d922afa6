// Volumes, end to end: a service's named volume keeps what the app wrote across a redeploy and a
// rollback (the service then updates stop-first); deleting the service keeps it unless asked.
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BASE_IMAGE, type SpurProcess, api, cli, docker, loginCli, probe, startSpur, stopAll, uniqueName, waitForDeployment } from './harness.js';

const project = uniqueName('vol');
let spur: SpurProcess;
let token: string;
let call: ReturnType<typeof api>;
const image = `spur-test/files-app:${project}`;
const read = async () => (await probe(`spur_${project}_production`, 'http://files:3000/read')).body.trim();
const write = async (v: string) => expect((await probe(`spur_${project}_production`, `http://files:3000/write?v=${v}`)).body.trim()).toBe('ok');
const deploy = async (path = `/projects/${project}/services/files/deployments`, body?: unknown) => {
  const { json } = await call('POST', path, body);
  const done = await waitForDeployment(spur, token, json.deployment.id);
  expect(done.status, done.failureReason).toBe('active');
  return done.id as number;
};

beforeAll(async () => {
  const r = spawnSync('docker', ['build', '-q', '-t', image, '-f', '-', join(__dirname, 'fixtures', 'db-app')], { input: `FROM ${BASE_IMAGE}\nCOPY server.js /app/server.js\nENTRYPOINT ["node", "/app/server.js"]\n` });
  expect(r.status, String(r.stderr)).toBe(0);
  spur = await startSpur();
  token = await loginCli(spur);
  call = api(spur, token);
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'files', '--image', image])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'files', 'DATABASE_URL=file:///data/rows'])).code).toBe(0);
}, 120_000);

afterAll(() => stopAll({ spur }, [project]));

it('refuses mount paths that are not the service\'s to take, each a 400 that adds nothing', async () => {
  for (const mountPath of ['/', '/etc', '/var/run/docker.sock', '/data/../etc', 'data', '/proc/self']) {
    const res = await call('POST', `/projects/${project}/services/files/volumes`, { name: 'bad', mountPath });
    expect(res.status, mountPath).toBe(400);
  }
  expect((await call('POST', `/projects/${project}/services/files/volumes`, { name: 'Bad Name', mountPath: '/data' })).status).toBe(400);
  expect((await cli(spur, ['volumes', 'list', project, 'files'])).stdout.trim()).toBe('No volumes.');
});

it('keeps what the app wrote across a redeploy and a rollback; the service updates stop-first', async () => {
  const added = await cli(spur, ['volumes', 'add', project, 'files', 'data', '/data']);
  expect(added.code, added.stderr).toBe(0);
  const [name, mountPath, volume] = (await cli(spur, ['volumes', 'list', project, 'files'])).stdout.trim().split('\t');
  expect([name, mountPath]).toEqual(['data', '/data']);
  expect(volume).toMatch(new RegExp(`^spur_${project}_files_production_v_data_[0-9a-f]{12}$`));
  const first = await deploy();
  const spec = JSON.parse(await docker('service', 'inspect', `spur_${project}_files_production`))[0].Spec;
  expect(spec.UpdateConfig.Order).toBe('stop-first');
  expect(spec.TaskTemplate.ContainerSpec.Mounts).toContainEqual(expect.objectContaining({ Type: 'volume', Source: volume, Target: '/data' }));
  await write('a');
  await write('b');
  await deploy();
  expect(await read()).toBe('a,b');
  await write('c');
  await deploy(`/projects/${project}/services/files/rollback`, { deployment: first });
  expect(await read()).toBe('a,b,c');
}, 240_000);

it('deleting the service keeps its volume unless asked; asked, only its own volume goes', async () => {
  const listed = async () => (await cli(spur, ['volumes', 'list', project, 'files'])).stdout.trim().split('\t')[2];
  const exists = async (v: string) => (await docker('volume', 'ls', '-q', '--filter', `name=^${v}$`)).trim() === v;
  const kept = await listed();
  expect((await cli(spur, ['service', 'delete', project, 'files', '--yes'])).stdout).toContain('its volumes, if any, are kept');
  expect(await exists(kept)).toBe(true);
  // The same service made again gets a volume of its own, which --delete-volumes removes; the
  // deleted one's kept volume is not its to remove.
  expect((await cli(spur, ['service', 'create', project, 'files', '--image', image])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'files', 'DATABASE_URL=file:///data/rows'])).code).toBe(0);
  expect((await cli(spur, ['volumes', 'add', project, 'files', 'data', '/data'])).code).toBe(0);
  const own = await listed();
  expect(own).not.toBe(kept);
  await deploy();
  expect(await exists(own)).toBe(true);
  expect((await cli(spur, ['service', 'delete', project, 'files', '--yes', '--delete-volumes'])).code).toBe(0);
  expect(await exists(own)).toBe(false);
  expect(await exists(kept)).toBe(true);
}, 180_000);
