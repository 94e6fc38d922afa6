import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrations } from './migrations/index.js';
import { NewerDatabase, migrate } from './open.js';

/** An empty database in memory with foreign keys on, migrated up to `name`, with one project
 *  named shop; `migrator` moves it further. */
async function shopAt(name: string) {
  const sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  expect((await migrator.migrateTo(name)).error).toBeUndefined();
  const now = new Date().toISOString();
  const projectId = (await db.insertInto('projects').values({ name: 'shop', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
  return { sqlite, db, migrator, now, projectId };
}

describe('004_domains', () => {
  it('gives existing instances unique labels and keeps each custom domain with its first holder', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('003_git_push')).error).toBeUndefined();
    const now = new Date().toISOString();
    const project = async (name: string) => (await db.insertInto('projects').values({ name, created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    const env = async (projectId: number, name: string) => (await db.insertInto('environments').values({ project_id: projectId, name, created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    const instance = async (projectId: number, envId: number, name: string, domain: string | null) => {
      const service = await db.insertInto('services').values({ project_id: projectId, name, source_type: 'image', image: 'nginx', created_at: now }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('service_instances').values({ service_id: service.id, environment_id: envId, replicas: 1, port: 80, custom_domain: domain }).execute();
    };
    const a = await project('shop-staging');
    await instance(a, await env(a, 'production'), 'web', 'shop.example.com');
    const b = await project('shop');
    await instance(b, await env(b, 'staging'), 'web', 'shop.example.com');

    expect((await migrator.migrateTo('004_domains')).error).toBeUndefined();
    const rows = await db.selectFrom('service_instances').select(['domain_label', 'custom_domain']).orderBy('service_id').execute();
    expect(rows).toEqual([
      { domain_label: 'web-shop-staging', custom_domain: 'shop.example.com' },
      { domain_label: 'web-shop-staging-2', custom_domain: null },
    ]);

    // 008_custom_domains: the one domain per instance becomes a row of `domains`, kept by its holder.
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const first = await db.selectFrom('service_instances').select(['service_id', 'environment_id']).where('domain_label', '=', 'web-shop-staging').executeTakeFirstOrThrow();
    expect(await db.selectFrom('domains').select(['service_id', 'environment_id', 'hostname']).execute()).toEqual([{ ...first, hostname: 'shop.example.com' }]);
    const columns = (await sql<{ name: string }>`PRAGMA table_info(service_instances)`.execute(db)).rows.map((c) => c.name);
    expect(columns).not.toContain('custom_domain');
  });
});

describe('012_spur_domain', () => {
  it('keeps every domain and its certificate, lets a domain have no service, and still cascades', async () => {
    const { sqlite, db, migrator, now, projectId } = await shopAt('011_domain_redirects');
    const environmentId = (await db.insertInto('environments').values({ project_id: projectId, name: 'production', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    const serviceId = (await db.insertInto('services').values({ project_id: projectId, name: 'web', source_type: 'image', image: 'nginx', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    await db.insertInto('service_instances').values({ service_id: serviceId, environment_id: environmentId, replicas: 1, port: 80, domain_label: 'web-shop' }).execute();
    const domainId = (await db.insertInto('domains').values({ service_id: serviceId, environment_id: environmentId, hostname: 'shop.example', created_at: now, hsts: 1, redirect_to: null, tls_status: 'active' }).returning('id').executeTakeFirstOrThrow()).id;
    await db.insertInto('certificates').values({ domain_id: domainId, cert_pem: 'C', key_sealed: 'K', not_after: now, issued_at: now }).execute();
    const before = await db.selectFrom('domains').selectAll().execute();

    expect((await migrator.migrateTo('012_spur_domain')).error).toBeUndefined();
    expect(await db.selectFrom('domains').selectAll().execute()).toEqual(before);
    expect(await db.selectFrom('certificates').select('domain_id').execute()).toEqual([{ domain_id: domainId }]);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    await db.insertInto('domains').values({ service_id: null, environment_id: null, hostname: 'spur.example', created_at: now }).execute();
    await expect(db.insertInto('domains').values({ service_id: serviceId, environment_id: null, hostname: 'half.example', created_at: now }).execute()).rejects.toThrow(/CHECK/);
    await expect(db.insertInto('domains').values({ service_id: serviceId, environment_id: environmentId, hostname: 'spur.example', created_at: now }).execute()).rejects.toThrow(/UNIQUE/);

    await db.deleteFrom('service_instances').execute();
    expect(await db.selectFrom('domains').select('hostname').execute()).toEqual([{ hostname: 'spur.example' }]);
    expect(await db.selectFrom('certificates').selectAll().execute()).toEqual([]);

    expect((await migrator.migrateTo('011_domain_redirects')).error).toBeUndefined();
    expect(await db.selectFrom('domains').selectAll().execute()).toEqual([]);
  });
});

describe('a database from a newer Spur', () => {
  it('is refused with what to do, and left as it was', async () => {
    const sqlite = new SQLite(':memory:');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrate(db);
    await db.insertInto('kysely_migration').values({ name: '999_from_the_future', timestamp: new Date().toISOString() }).execute();
    const before = sqlite.prepare('SELECT count(*) AS n FROM kysely_migration').get();
    await expect(migrate(db)).rejects.toThrow(/migrated by a newer Spur \(it has migration 999_from_the_future.*spur update --version/);
    await expect(migrate(db)).rejects.toBeInstanceOf(NewerDatabase);
    expect(sqlite.prepare('SELECT count(*) AS n FROM kysely_migration').get()).toEqual(before);
  });
});

describe('026_volume_names', () => {
  it('records the names existing volumes and databases are mounted by today, so an upgrade keeps their data', async () => {
    const { db, migrator, now, projectId } = await shopAt('025_build_cache');
    const envId = async (name: string) => (await db.insertInto('environments').values({ project_id: projectId, name, created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    const [production, staging] = [await envId('production'), await envId('staging')];
    const serviceId = (await db.insertInto('services').values({ project_id: projectId, name: 'web', source_type: 'image', image: 'nginx', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    for (const [environmentId, label] of [[production, 'web-shop'], [staging, 'web-shop-staging']] as const) {
      await db.insertInto('service_instances').values({ service_id: serviceId, environment_id: environmentId, replicas: 1, port: 80, domain_label: label }).execute();
      await db.insertInto('volumes').values({ service_id: serviceId, environment_id: environmentId, name: 'data', mount_path: '/data', created_at: now }).execute();
    }
    await db.insertInto('databases').values({ project_id: projectId, environment_id: staging, name: 'pg', engine: 'postgres', image: 'postgres:17', credentials_sealed: 'x', created_at: now }).execute();

    expect((await migrator.migrateTo('026_volume_names')).error).toBeUndefined();
    expect(await db.selectFrom('volumes').select(['environment_id', 'docker_name']).orderBy('id').execute()).toEqual([
      { environment_id: production, docker_name: 'spur_shop_web_production_v_data' },
      { environment_id: staging, docker_name: 'spur_shop_web_staging_v_data' },
    ]);
    expect(await db.selectFrom('databases').select('volume_name').execute()).toEqual([{ volume_name: 'spur_shop_pg_staging_data' }]);
    // One Docker volume is never recorded twice.
    await expect(db.insertInto('databases').values({ project_id: projectId, environment_id: production, name: 'pg', engine: 'postgres', image: 'postgres:17', credentials_sealed: 'x', created_at: now, volume_name: 'spur_shop_pg_staging_data' }).execute()).rejects.toThrow(/UNIQUE/);

    expect((await migrator.migrateTo('025_build_cache')).error).toBeUndefined();
    expect((await sql<{ name: string }>`PRAGMA table_info(volumes)`.execute(db)).rows.map((c) => c.name)).not.toContain('docker_name');
  });
});

describe('030_member_roles', () => {
  it('makes every member from before a developer (least privilege), and refuses a role that is not one', async () => {
    const { db, migrator, now, projectId } = await shopAt('029_pushed_objects');
    const userId = (await db.insertInto('users').values({ email: 'm@example.com', password_hash: 'x', role: 'member', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    await db.insertInto('project_members').values({ project_id: projectId, user_id: userId }).execute();
    expect((await migrator.migrateTo('030_member_roles')).error).toBeUndefined();
    expect(await db.selectFrom('project_members').select(['user_id', 'role']).execute()).toEqual([{ user_id: userId, role: 'developer' }]);
    await expect(db.updateTable('project_members').set({ role: 'owner' }).execute()).rejects.toThrow(/CHECK constraint failed/);
    await db.updateTable('project_members').set({ role: 'viewer' }).execute();
    expect((await migrator.migrateDown()).error).toBeUndefined();
    expect(await db.selectFrom('project_members').selectAll().execute()).toEqual([{ project_id: projectId, user_id: userId }]);
  });
});

describe('036_token_scopes', () => {
  it('makes every token from before admin, of no one project, never expiring; a project takes its tokens with it, a token those it made', async () => {
    const { db, migrator, now, projectId } = await shopAt('031_audit_entries');
    const userId = (await db.insertInto('users').values({ email: 'm@example.com', password_hash: 'x', role: 'member', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    await db.insertInto('api_tokens').values({ user_id: userId, token_hash: 'h1', name: 'old', created_at: now, last_used_at: null }).execute();
    expect((await migrator.migrateTo('036_token_scopes')).error).toBeUndefined();
    expect(await db.selectFrom('api_tokens').select(['name', 'scope', 'project_id', 'expires_at']).execute()).toEqual([{ name: 'old', scope: 'admin', project_id: null, expires_at: null }]);
    await expect(db.updateTable('api_tokens').set({ scope: 'owner' }).execute()).rejects.toThrow(/CHECK constraint failed/);
    await db.insertInto('api_tokens').values({ user_id: userId, token_hash: 'h2', name: 'shop', created_at: now, scope: 'deploy', project_id: projectId }).execute();
    await db.deleteFrom('projects').where('id', '=', projectId).execute();
    expect(await db.selectFrom('api_tokens').select('name').execute()).toEqual([{ name: 'old' }]);
    const old = (await db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow()).id;
    await db.insertInto('api_tokens').values({ user_id: userId, token_hash: 'h3', name: 'child', created_at: now, parent_id: old }).execute();
    await db.insertInto('api_tokens').values({ user_id: userId, token_hash: 'h4', name: 'grandchild', created_at: now, parent_id: (await db.selectFrom('api_tokens').select('id').where('name', '=', 'child').executeTakeFirstOrThrow()).id }).execute();
    await db.deleteFrom('api_tokens').where('id', '=', old).execute();
    expect(await db.selectFrom('api_tokens').select('name').execute()).toEqual([]);
    await db.insertInto('api_tokens').values({ user_id: userId, token_hash: 'h1', name: 'old', created_at: now }).execute();
    expect((await migrator.migrateDown()).error).toBeUndefined();
    expect(await db.selectFrom('api_tokens').select(['name']).execute()).toEqual([{ name: 'old' }]);
  });
});
