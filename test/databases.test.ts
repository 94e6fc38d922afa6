// Databases, end to end: Spur runs Postgres, MariaDB and Redis (the stand-in images under the
// official names) as Swarm services with a volume, and an app whose DATABASE_URL references one
// (`${{pg.DATABASE_URL}}`) writes and reads rows in it through the engine's own client.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, type SpurProcess, api, cli, docker, loginCli, probe, startSpur, stopAll, uniqueName, waitForDeployment } from './harness.js';

const project = uniqueName('db');
let spur: SpurProcess;
let token: string;
let call: ReturnType<typeof api>;
const network = () => `spur_${project}_production`;

/** An image of the test app on top of the engine's image (which carries its client and Node). */
async function appImage(engineImage: string, tag: string): Promise<string> {
  const { spawnSync } = await import('node:child_process');
  const dockerfile = `FROM ${engineImage}\nCOPY server.js /app/server.js\nENTRYPOINT ["node", "/app/server.js"]\n`;
  const r = spawnSync('docker', ['build', '-q', '-t', tag, '-f', '-', join(__dirname, 'fixtures', 'db-app')], { input: dockerfile });
  if (r.status !== 0) throw new Error(String(r.stderr));
  return tag;
}

async function waitRunning(name: string): Promise<void> {
  await expect.poll(async () => (await call('GET', `/projects/${project}/databases/${name}`)).json.database.running, { timeout: 120_000, interval: 1000 }).toBe(1);
}

async function deployApp(service: string, image: string, reference: string): Promise<void> {
  expect((await cli(spur, ['service', 'create', project, service, '--image', image])).code).toBe(0);
  const set = await cli(spur, ['vars', 'set', project, service, `DATABASE_URL=${reference}`]);
  expect(set.code, set.stderr).toBe(0);
  const { json } = await call('POST', `/projects/${project}/services/${service}/deployments`);
  const done = await waitForDeployment(spur, token, json.deployment.id);
  expect(done.status, done.failureReason).toBe('active');
}

// A write is not sent twice: it waits up to a minute rather than being retried after a timeout.
const get = async (service: string, path: string) => (await probe(network(), `http://${service}:3000${path}`, 20, path.startsWith('/write') ? 60_000 : 3000)).body.trim();

beforeAll(async () => {
  spur = await startSpur();
  token = await loginCli(spur);
  call = api(spur, token);
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
}, 60_000);

afterAll(() => stopAll({ spur }, [project]));

describe('databases', () => {
  it('Postgres: created from the CLI, running on its volume; an app referencing ${{pg.DATABASE_URL}} writes and reads rows in it', async () => {
    const created = await cli(spur, ['db', 'create', project, 'pg', '--engine', 'postgres']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Reference:   ${{pg.DATABASE_URL}}');
    await waitRunning('pg');
    const spec = JSON.parse(await docker('service', 'inspect', `spur_${project}_pg_production`))[0].Spec;
    expect(spec.UpdateConfig.Order).toBe('stop-first');
    expect(spec.TaskTemplate.ContainerSpec.Mounts[0]).toMatchObject({ Type: 'volume', Source: (await call('GET', `/projects/${project}/databases/pg`)).json.database.volume, Target: '/var/lib/postgresql/data' });
    expect(spec.TaskTemplate.ContainerSpec.Mounts[0].Source).toMatch(new RegExp(`^spur_${project}_pg_production_data_[0-9a-f]{12}$`));

    await deployApp('web', await appImage('postgres:17', `spur-test/db-app-pg:${project}`), '${{pg.DATABASE_URL}}');
    expect(await get('web', '/write?v=one')).toMatch(/^CREATE TABLE\nINSERT 0 1$/);
    expect(await get('web', '/write?v=two')).toMatch(/^CREATE TABLE\nINSERT 0 1$/);
    expect(await get('web', '/read')).toBe('one,two');
    // The resolved URL (with the password) runs in the app; the record keeps the reference.
    const creds = (await call('GET', `/projects/${project}/databases/pg/credentials`)).json.variables;
    expect(creds.DATABASE_URL).toMatch(new RegExp(`^postgresql://app:[A-Za-z0-9_-]+@pg:5432/pg$`));
    const env = JSON.parse(await docker('service', 'inspect', `spur_${project}_web_production`))[0].Spec.TaskTemplate.ContainerSpec.Env as string[];
    expect(env).toContain(`DATABASE_URL=${creds.DATABASE_URL}`);
    expect((await call('GET', `/projects/${project}/services/web/variables?reveal=1`)).json.variables.DATABASE_URL).toBe('${{pg.DATABASE_URL}}');
  }, 300_000);

  it('the data survives the database being restarted by Swarm (its volume stays)', async () => {
    await docker('service', 'update', '--force', '--detach', `spur_${project}_pg_production`);
    await new Promise((r) => setTimeout(r, 2000));
    await waitRunning('pg');
    await expect.poll(() => get('web', '/read'), { timeout: 60_000 }).toBe('one,two');
  }, 180_000);

  it('MariaDB and Redis: the same, through mysql:// and redis:// URLs', async () => {
    expect((await cli(spur, ['db', 'create', project, 'maria', '--engine', 'mariadb'])).code).toBe(0);
    expect((await cli(spur, ['db', 'create', project, 'cache', '--engine', 'redis'])).code).toBe(0);
    await waitRunning('maria');
    await waitRunning('cache');
    await deployApp('shop', await appImage('mariadb:11', `spur-test/db-app-maria:${project}`), '${{maria.DATABASE_URL}}');
    await deployApp('queue', await appImage('redis:7', `spur-test/db-app-redis:${project}`), '${{ cache.REDIS_URL }}');
    expect(await get('shop', '/write?v=a')).toBe('');
    expect(await get('shop', '/read')).toBe('a');
    expect(await get('queue', '/write?v=x')).toBe('1');
    expect(await get('queue', '/write?v=y')).toBe('2');
    expect(await get('queue', '/read')).toBe('x,y');
    const list = await cli(spur, ['db', 'list', project]);
    expect(list.stdout.trim().split('\n').map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['cache redis', 'maria mariadb', 'pg postgres']);
  }, 300_000);

  it('backs up with the engine\'s own dump; a restore brings back exactly the rows of the backup (Postgres, MariaDB); Redis is restored in place; each backup is verified in a throwaway server (Redis\'s too)', async () => {
    const backup = await cli(spur, ['db', 'backup', project, 'pg']);
    expect(backup.code, backup.stderr).toBe(0);
    const id = Number(/^Backup (\d+) of pg: (\d+) bytes, sha256 ([0-9a-f]{64})$/.exec(backup.stdout.trim())![1]);
    const listed = (await call('GET', `/projects/${project}/databases/pg/backups`)).json.backups[0];
    expect(listed).toMatchObject({ id, status: 'ok', engine: 'postgres' });
    // The download is the file whose digest was recorded.
    const download = await fetch(`${spur.url}/api/v1/projects/${project}/databases/pg/backups/${id}/file`, { headers: { Authorization: `Bearer ${token}` } });
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(listed.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed.sha256);
    expect(bytes.subarray(0, 5).toString()).toBe('PGDMP');

    await get('web', '/write?v=three');
    expect(await get('web', '/read')).toBe('one,three,two');
    const refused = await cli(spur, ['db', 'restore', project, 'pg', String(id)]);
    expect(refused.stderr).toMatch(/add --yes/);
    const wrongName = await call('POST', `/projects/${project}/databases/pg/restore`, { backup: id, confirm: 'maria' });
    expect(wrongName.status).toBe(400);
    expect(await get('web', '/read')).toBe('one,three,two');
    const restored = await cli(spur, ['db', 'restore', project, 'pg', String(id), '--yes']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await get('web', '/read')).toBe('one,two');
    // Each backup is proven: restored into a throwaway server, whose tables and rows are recorded.
    const verified = async (db: string, backupId: number) => {
      let b: { verified: string | null; verifyDetail: string | null } = { verified: null, verifyDetail: null };
      await expect.poll(async () => (b = (await call('GET', `/projects/${project}/databases/${db}/backups`)).json.backups.find((x: { id: number }) => x.id === backupId)).verified, { timeout: 240_000, interval: 1000 }).not.toBeNull();
      return b;
    };
    expect(await verified('pg', id)).toEqual(expect.objectContaining({ verified: 'passed', verifyDetail: 'restored; it holds t 2' }));
    expect((await cli(spur, ['db', 'backups', project, 'pg'])).stdout).toMatch(new RegExp(`^${id}\t.*\tverify passed: restored; it holds t 2$`, 'm'));
    // (Other files' Spurs verify their own backups meanwhile: only this one's throwaways count.)
    const install = readFileSync(join(spur.dataDir, 'install-id'), 'utf8').trim();
    expect(await docker('ps', '-aq', '--filter', 'label=spur.verify-backup', '--filter', `label=spur.install=${install}`)).toBe('');

    // MariaDB the same way.
    const mariaBackup = await call('POST', `/projects/${project}/databases/maria/backups`);
    expect(mariaBackup.status, JSON.stringify(mariaBackup.json)).toBe(201);
    await get('shop', '/write?v=b');
    expect(await get('shop', '/read')).toBe('a,b');
    expect((await call('POST', `/projects/${project}/databases/maria/restore`, { backup: mariaBackup.json.backup.id, confirm: 'maria' })).status).toBe(200);
    expect(await get('shop', '/read')).toBe('a');
    expect(await verified('maria', mariaBackup.json.backup.id)).toEqual(expect.objectContaining({ verified: 'passed', verifyDetail: 'restored; it holds t 1' }));

    // Redis: its snapshot, loaded by a throwaway server at start.
    const redisBackup = await call('POST', `/projects/${project}/databases/cache/backups`);
    expect(redisBackup.status, JSON.stringify(redisBackup.json)).toBe(201);
    expect(await verified('cache', redisBackup.json.backup.id)).toEqual(expect.objectContaining({ verified: 'passed', verifyDetail: expect.stringMatching(/^restored; it holds db0:keys=1,/) }));
    // Restored in place: the server stopped, its data replaced by the snapshot, started again.
    expect(await get('queue', '/write?v=z')).toBe('3');
    expect(await get('queue', '/read')).toBe('x,y,z');
    const redisRestore = await call('POST', `/projects/${project}/databases/cache/restore`, { backup: redisBackup.json.backup.id, confirm: 'cache' });
    expect(redisRestore.status, JSON.stringify(redisRestore.json)).toBe(200);
    await expect.poll(() => get('queue', '/read'), { timeout: 60_000 }).toBe('x,y');
  }, 300_000);

  it('a backup whose file changed on disk is refused, and the database is left as it was', async () => {
    const { json } = await call('POST', `/projects/${project}/databases/pg/backups`);
    // Its own verification (in the background) first runs on the intact file, to its end.
    await expect.poll(async () => (await call('GET', `/projects/${project}/databases/pg/backups`)).json.backups[0].verified, { timeout: 240_000, interval: 1000 }).not.toBeNull();
    const dir = join(spur.dataDir, 'backups', 'databases', project, 'production', 'pg');
    const file = readdirSync(dir).find((f) => f.endsWith(`-${json.backup.id}.dump`))!;
    appendFileSync(join(dir, file), 'tampered');
    await get('web', '/write?v=four');
    const res = await call('POST', `/projects/${project}/databases/pg/restore`, { backup: json.backup.id, confirm: 'pg' });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatch(/does not match its SHA-256; it was changed or damaged, and is not restored/);
    expect(await get('web', '/read')).toBe('four,one,two');
    // Its verification fails too, saying why.
    const verify = await call('POST', `/projects/${project}/databases/pg/backups/${json.backup.id}/verify`);
    expect(verify.json.backup).toMatchObject({ verified: 'failed', verifyDetail: expect.stringMatching(/does not match its SHA-256/) });
    const backups = await cli(spur, ['db', 'backups', project, 'pg']);
    expect(backups.stdout.trim().split('\n')).toHaveLength(2);
  }, 300_000);

  it('a reference to something missing fails the deploy before the build, naming it; a cycle is refused when typed; ${{shared.NAME}} reaches the app', async () => {
    expect((await cli(spur, ['service', 'create', project, 'broken', '--image', 'spur-test/node:bookworm'])).code).toBe(0);
    expect((await cli(spur, ['vars', 'set', project, 'broken', 'DATABASE_URL=${{nosuch.DATABASE_URL}}'])).code).toBe(0);
    const { json } = await call('POST', `/projects/${project}/services/broken/deployments`);
    const failed = await waitForDeployment(spur, token, json.deployment.id);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toBe('variables: ${{nosuch.DATABASE_URL}}: there is no service or database named nosuch in this environment');
    expect(failed.imageTag).toBeNull();

    expect((await cli(spur, ['vars', 'set', project, 'broken', 'A=${{shop.B}}'])).code).toBe(0);
    const cycle = await cli(spur, ['vars', 'set', project, 'shop', 'B=${{broken.A}}']);
    expect(cycle.code).not.toBe(0);
    expect(cycle.stderr.trim()).toBe('spur: the references form a cycle: shop.B → broken.A → shop.B (HTTP 400)');
    const bad = await cli(spur, ['vars', 'set', project, 'shop', 'C=${{ shop.C; rm -rf / }}']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/is not a reference/);
    expect(Object.keys((await call('GET', `/projects/${project}/services/shop/variables`)).json.variables)).toEqual(['DATABASE_URL']);

    // A shared variable of the environment, referenced as ${{shared.NAME}}, reaches the app.
    const shared = await cli(spur, ['vars', 'set', project, 'shared', 'GREETING=hello from shared']);
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stdout.trim()).toBe('GREETING=••••••');
    expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=${{shared.GREETING}}'])).code).toBe(0);
    const deployed = await waitForDeployment(spur, token, (await call('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id);
    expect(deployed.status, deployed.failureReason).toBe('active');
    const env = JSON.parse(await docker('service', 'inspect', `spur_${project}_web_production`))[0].Spec.TaskTemplate.ContainerSpec.Env as string[];
    expect(env).toContain('GREETING=hello from shared');
  }, 240_000);

  it('refuses bad input, each a clear 4xx that changes nothing', async () => {
    const before = (await call('GET', `/projects/${project}/databases`)).json.databases.length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'x1', engine: 'oracle' }, /engine: choose one of postgres, mysql, mariadb, redis, mongodb/],
      [{ name: 'x2', engine: 'postgres', version: 'latest' }, /version: give a postgres image tag such as 17/],
      [{ name: 'x3', engine: 'postgres', version: '17;rm -rf /' }, /version/],
      [{ name: 'x4', engine: 'postgres', version: '../../17' }, /version/],
      [{ name: 'Bad_Name', engine: 'postgres' }, /database name/],
      [{ name: 'web', engine: 'postgres' }, /service named web/],
      [{ name: 'pg', engine: 'postgres' }, /already exists/],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', `/projects/${project}/databases`, body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(res.json.error, JSON.stringify(body)).toMatch(message);
    }
    expect((await call('POST', `/projects/${project}/services`, { name: 'pg', image: 'nginx' })).json.error).toMatch(/database named pg/);
    expect((await call('GET', `/projects/${project}/databases`)).json.databases.length).toBe(before);
  });

  it('deletes a database once its name is typed, keeping its volume unless asked', async () => {
    const refused = await cli(spur, ['db', 'delete', project, 'cache']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/add --yes/);
    const cacheVolume = (await call('GET', `/projects/${project}/databases/cache`)).json.database.volume;
    const mariaVolume = (await call('GET', `/projects/${project}/databases/maria`)).json.database.volume;
    expect((await cli(spur, ['db', 'delete', project, 'cache', '--yes'])).code).toBe(0);
    await expect.poll(async () => (await docker('service', 'ls', '-q', '--filter', `name=spur_${project}_cache_production`)).trim(), { timeout: 30_000 }).toBe('');
    expect((await docker('volume', 'ls', '-q', '--filter', `name=${cacheVolume}`)).trim()).toBe(cacheVolume);
    expect((await cli(spur, ['db', 'delete', project, 'maria', '--yes', '--delete-data'])).code).toBe(0);
    expect((await docker('volume', 'ls', '-q', '--filter', `name=${mariaVolume}`)).trim()).toBe('');
  }, 180_000);

  it('an environment deleted takes its databases with it, leaving their volumes', async () => {
    expect((await cli(spur, ['project', 'env', project, 'staging'])).code).toBe(0);
    expect((await cli(spur, ['db', 'create', project, 'pg', '--engine', 'postgres', '--env', 'staging'])).code).toBe(0);
    const service = `spur_${project}_pg_staging`;
    await expect.poll(async () => (await call('GET', `/projects/${project}/databases/pg?env=staging`)).json.database.running, { timeout: 120_000, interval: 1000 }).toBe(1);
    const volume = (await call('GET', `/projects/${project}/databases/pg?env=staging`)).json.database.volume;
    expect(volume).toMatch(new RegExp(`^${service}_data_[0-9a-f]{12}$`));
    expect((await call('DELETE', `/projects/${project}/environments/staging`, { confirm: 'staging' })).status).toBe(200);
    expect((await docker('service', 'ls', '-q', '--filter', `name=${service}`)).trim()).toBe('');
    expect((await docker('network', 'ls', '-q', '--filter', `name=spur_${project}_staging`)).trim()).toBe('');
    expect((await docker('volume', 'ls', '-q', '--filter', `name=${volume}`)).trim()).toBe(volume);
  }, 180_000);

  it("at start, removes the throwaway verification servers a stop left behind — its own, never another Spur's", async () => {
    const own = readFileSync(join(spur.dataDir, 'install-id'), 'utf8').trim();
    const throwaway = async (install: string) => (await docker('run', '-d', '--label', 'spur.managed=true', '--label', `spur.install=${install}`, '--label', 'spur.verify-backup=999', '--label', 'spur.test=verify', BASE_IMAGE, 'sleep', '300')).trim();
    const mine = await throwaway(own);
    const theirs = await throwaway('another-spur');
    try {
      await spur.stop();
      spur = await startSpur({ dataDir: spur.dataDir });
      await expect.poll(async () => (await docker('ps', '-aq', '--no-trunc', '--filter', `id=${mine}`)).trim(), { timeout: 30_000 }).toBe('');
      expect((await docker('ps', '-q', '--no-trunc', '--filter', `id=${theirs}`)).trim()).toBe(theirs);
    } finally {
      await docker('rm', '-f', theirs).catch(() => {});
    }
  }, 120_000);
});
