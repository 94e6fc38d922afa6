// Backups that leave the server and come back: a database's cron schedule and retention, copies in
// S3-compatible storage (s3rver on loopback, spoken to by the AWS SDK as AWS itself would be),
// a restore from the S3 copy when the local file is gone, a restore into a new database that
// leaves the original untouched, and a deletion that keeps the newest backup.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, cli, docker, freePort, loginCli, startSpur, stopAll, uniqueName } from './harness.js';

const project = uniqueName('bk');
const BUCKET = 'spur-backups';
let spur: SpurProcess;
let call: ReturnType<typeof api>;
let s3server: S3rver;
let s3dir: string;
let endpoint: string;
let s3: S3Client;

type Backup = { id: number; status: string; trigger: string; createdAt: string; verified: string | null; verifyDetail: string | null; remote: { status: string; key: string; error: string | null } | null; size: number; sha256: string };

const backupsOf = async (db: string): Promise<Backup[]> => (await call('GET', `/projects/${project}/databases/${db}/backups`)).json.backups;

/** Runs SQL in the database's own container, as its user. */
async function sql(db: string, query: string): Promise<string> {
  const { variables } = (await call('GET', `/projects/${project}/databases/${db}/credentials`)).json;
  const container = (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=spur_${project}_${db}_production`)).split('\n')[0];
  return docker('exec', container, 'env', `PGPASSWORD=${variables.PGPASSWORD}`, 'psql', '-At', '-h', '127.0.0.1', '-U', variables.PGUSER, '-d', variables.PGDATABASE, '-v', 'ON_ERROR_STOP=1', '-c', query);
}

async function waitRunning(db: string): Promise<void> {
  await expect.poll(async () => (await call('GET', `/projects/${project}/databases/${db}`)).json.database.running, { timeout: 120_000, interval: 1000 }).toBe(1);
}

/** Waits until the backup's copy and verification have both ended. */
async function settled(db: string, id: number): Promise<Backup> {
  let b: Backup | undefined;
  await expect.poll(async () => ((b = (await backupsOf(db)).find((x) => x.id === id)), b && b.verified !== null && b.remote?.status !== 'uploading'), { timeout: 240_000, interval: 1000 }).toBe(true);
  return b!;
}

async function objectKeys(): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!).sort();
}

beforeAll(async () => {
  // The SDK's notice about its future Node versions is not this test's business.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  s3dir = mkdtempSync(join(tmpdir(), 'spur-s3-'));
  s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = await s3server.run();
  endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  spur = await startSpur();
  call = api(spur, await loginCli(spur));
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await stopAll({ spur }, [project]);
  await s3server?.close();
  rmSync(s3dir, { recursive: true, force: true });
});

describe('database backups: schedules, S3 copies, restores', () => {
  it('refuses bad S3 storage settings, each a clear 4xx that keeps what was stored', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const good = { endpoint, bucket: BUCKET, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, endpoint: 'ftp://127.0.0.1' }, /endpoint.*http:\/\/ or https:\/\//],
      [{ ...good, endpoint: `${endpoint}/bucket?x=1` }, /without a path or query/],
      [{ ...good, endpoint: 'http://user:pw@127.0.0.1' }, /must not carry credentials/],
      [{ ...good, bucket: 'Bad_Bucket' }, /bucket: use 3–63 lowercase/],
      [{ ...good, bucket: '192.168.1.1' }, /bucket/],
      [{ ...good, region: 'us east' }, /region/],
      [{ ...good, prefix: '../escape' }, /prefix/],
      [{ ...good, accessKeyId: 'key with spaces' }, /access key/],
      [{ ...good, endpoint: closed }, /storage: cannot reach http:\/\/127\.0\.0\.1:\d+/],
      [{ ...good, bucket: 'no-such-bucket' }, /storage: bucket no-such-bucket does not exist/],
    ];
    for (const [backupStorage, message] of cases) {
      const res = await call('PATCH', '/settings', { backupStorage });
      expect(res.status, JSON.stringify(backupStorage)).toBe(400);
      expect(res.json.error, JSON.stringify(backupStorage)).toMatch(message);
    }
    expect((await call('GET', '/settings')).json.backupStorage).toBeNull();
  }, 120_000);

  it('copies each backup, taken on the database\'s schedule, to S3, verified; keeps the newest N (and removes the others\' copies)', async () => {
    const set = await cli(spur, ['instance', '--s3-endpoint', endpoint, '--s3-bucket', BUCKET, '--s3-access-key', 'S3RVER', '--s3-prefix', 'spur'], { SPUR_S3_SECRET_KEY: 'S3RVER' });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`Backups to:  s3://${BUCKET}/spur at ${endpoint} (us-east-1, key S3RVER)`);
    expect(JSON.stringify((await call('GET', '/settings')).json)).not.toContain('"secretAccessKey"');

    for (const bad of ['every day', '0 3 * *', '*/5 * * * * *', '61 * * * *', '0 3 * * * ; reboot']) {
      const refused = await cli(spur, ['db', 'create', project, 'nope', '--engine', 'postgres', '--schedule', bad]);
      expect(refused.code, bad).not.toBe(0);
      expect(refused.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(refused.stderr, bad).toMatch(/schedule/);
    }
    expect((await call('POST', `/projects/${project}/databases`, { name: 'nope', engine: 'postgres', keep: 0 })).status).toBe(400);
    expect((await call('GET', `/projects/${project}/databases`)).json.databases).toEqual([]);

    const created = await cli(spur, ['db', 'create', project, 'pg', '--engine', 'postgres', '--schedule', '* * * * *', '--keep', '2']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Backups:     on "\* \* \* \* \*" \(UTC\), next \d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z; the newest 2 kept/);
    await waitRunning('pg');
    await sql('pg', "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)");
    const inserted = Date.now();

    // The schedule fires within the minute; its backup is copied to the bucket and verified. One
    // that fired before the rows went in (a slow start crossing the minute) holds none of them.
    const scheduledAfterRows = async () => (await backupsOf('pg')).find((b) => b.trigger === 'schedule' && b.status === 'ok' && Date.parse(b.createdAt) > inserted);
    await expect.poll(scheduledAfterRows, { timeout: 150_000, interval: 2000 }).toBeTruthy();
    expect((await cli(spur, ['db', 'set', project, 'pg', '--schedule', 'none'])).code).toBe(0);
    const scheduled = (await scheduledAfterRows())!;
    const first = await settled('pg', scheduled.id);
    expect(first.remote).toMatchObject({ status: 'ok', error: null });
    expect(first.verified, first.verifyDetail ?? '').toBe('passed');
    expect(first.verifyDetail).toContain('orders 2');
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `spur/${first.remote!.key}` }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.sha256);

    // Two more: only the newest two stay, on disk and in the bucket.
    const second = (await call('POST', `/projects/${project}/databases/pg/backups`)).json.backup;
    await settled('pg', second.id);
    const third = (await call('POST', `/projects/${project}/databases/pg/backups`)).json.backup;
    await settled('pg', third.id);
    await expect.poll(async () => (await backupsOf('pg')).map((b) => b.id), { timeout: 30_000 }).toEqual([third.id, second.id]);
    const ids = (await backupsOf('pg')).map((b) => b.id);
    await expect.poll(objectKeys, { timeout: 30_000 }).toHaveLength(2);
    expect((await objectKeys()).map((k) => Number(/-(\d+)\.dump$/.exec(k)![1])).sort()).toEqual([...ids].sort());
    expect(readdirSync(join(spur.dataDir, 'backups', 'databases', project, 'production', 'pg'))).toHaveLength(2);
  }, 420_000);

  it('one backup of a database at a time: a second asked for meanwhile is refused (409)', async () => {
    const [a, b] = await Promise.all([call('POST', `/projects/${project}/databases/pg/backups`), call('POST', `/projects/${project}/databases/pg/backups`)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((a.status === 409 ? a : b).json.error).toBe('a backup of pg is running; wait for it to finish');
    await settled('pg', (a.status === 201 ? a : b).json.backup.id);
  }, 300_000);

  it('restores into a new database from the S3 copy (the local file gone), leaving the original untouched', async () => {
    const [newest] = await backupsOf('pg');
    const dir = join(spur.dataDir, 'backups', 'databases', project, 'production', 'pg');
    rmSync(join(dir, readdirSync(dir).find((f) => f.endsWith(`-${newest.id}.dump`))!));
    await sql('pg', 'INSERT INTO orders VALUES (3)');

    const restored = await cli(spur, ['db', 'restore', project, 'pg', String(newest.id), '--into', 'pg-copy']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout.trim()).toBe(`Restored backup ${newest.id} of pg into the new database pg-copy; pg is untouched.`);
    expect(await sql('pg-copy', 'SELECT count(*) FROM orders')).toBe('2');
    expect(await sql('pg', 'SELECT count(*) FROM orders')).toBe('3');
    // The file came back from the bucket, whole: the download is the recorded digest.
    const file = join(tmpdir(), `${project}-download.dump`);
    const download = await cli(spur, ['db', 'download', project, 'pg', String(newest.id), '-o', file]);
    expect(download.code, download.stderr).toBe(0);
    expect(download.stdout.trim()).toBe(`Saved backup ${newest.id} of pg to ${file} (${newest.size} bytes).`);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(newest.sha256);
    rmSync(file);

    // A restore never writes into a database the body does not name: an existing one is refused.
    const taken = await call('POST', `/projects/${project}/databases/pg/restore`, { backup: newest.id, into: 'pg-copy' });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatch(/already exists/);
    const bad = await call('POST', `/projects/${project}/databases/pg/restore`, { backup: newest.id, into: '../x' });
    expect(bad.status).toBe(400);
    expect(await sql('pg-copy', 'SELECT count(*) FROM orders')).toBe('2');
  }, 300_000);

  it('shows its logs and restarts; deleted, it keeps its newest backup unless told otherwise', async () => {
    const logs = await cli(spur, ['db', 'logs', project, 'pg', '--tail', '20']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/database system is ready to accept connections/);
    const { variables } = (await call('GET', `/projects/${project}/databases/pg/credentials`)).json;
    expect(logs.stdout).not.toContain(variables.PGPASSWORD);
    // Answered once the new server is ready: the old container is gone, the new one answers at once.
    const container = async () => (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=spur_${project}_pg_production`)).split('\n').filter(Boolean);
    const before = await container();
    const restarted = await cli(spur, ['db', 'restart', project, 'pg']);
    expect(restarted.code, restarted.stderr).toBe(0);
    const after = await container();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(await sql('pg', 'SELECT count(*) FROM orders')).toBe('3');

    const newest = (await backupsOf('pg'))[0];
    expect((await cli(spur, ['db', 'delete', project, 'pg', '--yes'])).code).toBe(0);
    const dir = join(spur.dataDir, 'backups', 'databases', project, 'production', 'pg');
    expect(readdirSync(dir).filter((f) => f.endsWith('.dump'))).toEqual([expect.stringMatching(new RegExp(`-${newest.id}\\.dump$`))]);
    expect((await cli(spur, ['db', 'delete', project, 'pg-copy', '--yes', '--delete-data', '--delete-backups'])).code).toBe(0);
  }, 300_000);
});
