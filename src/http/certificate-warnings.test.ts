// App tier: the dashboard warns about certificates that failed or expire within 14 days, for the
// projects the viewer can see, with the CA's words (and about databases whose newest backup failed
// or did not restore); the service page shows each domain's state.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { recordCertificate, recordOrderFailure } from '../store/certificates.js';
import { setSpurDomain } from '../store/settings.js';
import { createDatabase } from '../store/databases.js';
import { finishBackupRecord, recordRemoteCopy, recordVerification, startBackupRecord } from '../store/database-backups.js';
import { createApiToken, createSession, createUser } from '../store/users.js';
import { createApp } from './app.js';
import { makeTestDeps } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let ownerCookie: string;
let call: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

const DAY = 86_400_000;
const page = async (path: string, cookie: string) => (await app.request(path, { headers: { Cookie: cookie } })).text();
const domainId = async (hostname: string) => (await deps.db.selectFrom('domains').select('id').where('hostname', '=', hostname).executeTakeFirstOrThrow()).id;
const fakeCert = (notAfter: Date) => ({ certPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n', keyPem: 'key', notAfter: notAfter.toISOString() });

beforeEach(async () => {
  deps = await makeTestDeps();
  app = createApp(deps);
  const owner = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
  ownerCookie = `spur_session=${(await createSession(deps.db, owner.id)).token}`;
  const token = await createApiToken(deps.db, owner.id, 'test');
  call = async (method, path, body) => {
    const res = await app.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  for (const project of ['shop', 'blog']) {
    expect((await call('POST', '/projects', { name: project })).status).toBe(201);
    expect((await call('POST', `/projects/${project}/services`, { name: 'web', image: 'nginx' })).status).toBe(201);
  }
  for (const [project, hostname] of [['shop', 'shop.example'], ['shop', 'old.shop.example'], ['shop', 'fine.shop.example'], ['blog', 'blog.example']]) {
    expect((await call('POST', `/projects/${project}/services/web/domains`, { hostname })).status).toBe(201);
  }
  await recordOrderFailure(deps.db, await domainId('shop.example'), { error: 'DNS problem: NXDOMAIN looking up A for shop.example', failures: 2, retryAt: new Date(Date.now() + 2 * 3_600_000).toISOString() });
  await recordCertificate(deps.db, deps.key, await domainId('old.shop.example'), fakeCert(new Date(Date.now() + 10 * DAY + 3_600_000)));
  await recordCertificate(deps.db, deps.key, await domainId('fine.shop.example'), fakeCert(new Date(Date.now() + 60 * DAY)));
  await recordOrderFailure(deps.db, await domainId('blog.example'), { error: 'timeout', failures: 1, retryAt: new Date().toISOString() });
});

describe('certificate warnings', () => {
  it('on the dashboard: a failed order with the CA’s words, a certificate expiring within 14 days; not a healthy one', async () => {
    const html = await page('/', ownerCookie);
    expect(html).toContain('DNS problem: NXDOMAIN looking up A for shop.example');
    expect(html).toMatch(/old\.shop\.example<\/a><span>certificate expires in 10 days/);
    expect(html).not.toContain('fine.shop.example');
    expect(html).toContain('href="/projects/shop/services/web/settings?env=production"');
  });

  it('only for the projects a member can see', async () => {
    const member = await createUser(deps.db, { email: 'm@example.com', passwordHash: 'x', role: 'member' });
    const blog = await deps.db.selectFrom('projects').select('id').where('name', '=', 'blog').executeTakeFirstOrThrow();
    await addProjectMember(deps.db, blog.id, member.id);
    const html = await page('/', `spur_session=${(await createSession(deps.db, member.id)).token}`);
    expect(html).toContain('blog.example');
    expect(html).not.toContain('shop.example');
  });

  it("Spur's own domain, to owners only, linking to Spur's Settings page", async () => {
    await setSpurDomain(deps.db, 'spur.example');
    const own = await deps.db.selectFrom('domains').select('id').where('hostname', '=', 'spur.example').executeTakeFirstOrThrow();
    expect(await page('/', ownerCookie)).not.toContain('spur.example<');
    await recordOrderFailure(deps.db, own.id, { error: 'Connection refused while fetching the challenge', failures: 1, retryAt: new Date().toISOString() });
    expect(await page('/', ownerCookie)).toMatch(/<a href="\/settings">spur\.example<\/a><span>certificate failed: Connection refused while fetching the challenge/);
    const member = await createUser(deps.db, { email: 'm2@example.com', passwordHash: 'x', role: 'member' });
    expect(await page('/', `spur_session=${(await createSession(deps.db, member.id)).token}`)).not.toContain('spur.example');
  });

  it('on the service page, each domain with its certificate state', async () => {
    const html = await page('/projects/shop/services/web/settings?env=production', ownerCookie);
    expect(html).toContain('certificate failed: DNS problem: NXDOMAIN looking up A for shop.example');
    expect(html).toMatch(/HTTPS, certificate expires in 60 days|HTTPS, certificate expires in 59 days/);
    expect(html).toContain('href="https://fine.shop.example"');
    expect(html).toContain('DNS points here');
  });
});

describe('backup warnings', () => {
  it("a database whose newest backup failed or did not restore, for the viewer's projects; a good newer one clears it", async () => {
    const [shop, blog] = await Promise.all(['shop', 'blog'].map((n) => deps.db.selectFrom('projects').selectAll().where('name', '=', n).executeTakeFirstOrThrow()));
    const envOf = async (projectId: number) => (await deps.db.selectFrom('environments').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()).id;
    const database = async (projectId: number, name: string) => createDatabase(deps.db, deps.key, { projectId, environmentId: await envOf(projectId), name, volumeName: `spur_${name}_data_test`, engine: 'postgres', image: 'postgres:17', credentials: { user: 'app', password: 'pw', database: name } });
    const pg = await database(shop.id, 'pg');
    const blogDb = await database(blog.id, 'blogdb');
    const failed = await startBackupRecord(deps.db, pg, 'manual');
    await finishBackupRecord(deps.db, failed.id, { error: 'pg_dump: error: connection refused' });
    const unproven = await startBackupRecord(deps.db, blogDb, 'manual');
    await finishBackupRecord(deps.db, unproven.id, { file: '/x', size: 1, sha256: 'a'.repeat(64) });
    await recordVerification(deps.db, unproven.id, { passed: false, detail: 'the restore exited 1: pg_restore: error: input file is too short' });
    const html = await page('/', ownerCookie);
    expect(html).toContain(`backup ${failed.id} failed: pg_dump: error: connection refused`);
    expect(html).toContain(`backup ${unproven.id} did not restore: the restore exited 1: pg_restore: error: input file is too short`);
    expect(html).toContain('href="/projects/shop/databases/pg?env=production">pg (shop, production)</a>');

    const member = await createUser(deps.db, { email: 'm3@example.com', passwordHash: 'x', role: 'member' });
    await addProjectMember(deps.db, blog.id, member.id);
    const memberHtml = await page('/', `spur_session=${(await createSession(deps.db, member.id)).token}`);
    expect(memberHtml).toContain('blogdb');
    expect(memberHtml).not.toContain('pg (shop');

    const good = await startBackupRecord(deps.db, pg, 'manual');
    await finishBackupRecord(deps.db, good.id, { file: '/y', size: 1, sha256: 'b'.repeat(64) });
    await recordVerification(deps.db, good.id, { passed: true, detail: 'restored; it holds t 2' });
    expect(await page('/', ownerCookie)).not.toContain('pg (shop');

    // A backup that restores but never reached S3 is a problem too.
    const local = await startBackupRecord(deps.db, pg, 'schedule');
    await finishBackupRecord(deps.db, local.id, { file: '/z', size: 1, sha256: 'c'.repeat(64) });
    await recordVerification(deps.db, local.id, { passed: true, detail: 'restored; it holds t 2' });
    await recordRemoteCopy(deps.db, local.id, { key: 'shop/production/pg/z.dump', status: 'failed', error: 'cannot reach https://s3.example (ECONNREFUSED)' });
    expect(await page('/', ownerCookie)).toContain(`backup ${local.id} was not copied to S3: cannot reach https://s3.example (ECONNREFUSED)`);
  });
});
