import { describe, expect, it } from 'vitest';
import { ENGINES } from './engines/index.js';
import { databaseServiceSpec, databaseVolumeName } from './service-spec.js';

const credentials = { user: 'app', password: 'p@ss:w/rd?#', database: 'shop_db' };

describe('engine descriptors', () => {
  it('offer a DATABASE_URL with the credentials percent-encoded, for the host given', () => {
    expect(ENGINES.postgres.variables(credentials, 'pg').DATABASE_URL).toBe('postgresql://app:p%40ss%3Aw%2Frd%3F%23@pg:5432/shop_db');
    expect(ENGINES.mysql.variables(credentials, 'db').DATABASE_URL).toBe('mysql://app:p%40ss%3Aw%2Frd%3F%23@db:3306/shop_db');
    expect(ENGINES.mariadb.variables(credentials, 'db').DATABASE_URL).toBe('mysql://app:p%40ss%3Aw%2Frd%3F%23@db:3306/shop_db');
    expect(ENGINES.redis.variables(credentials, 'cache').REDIS_URL).toBe('redis://default:p%40ss%3Aw%2Frd%3F%23@cache:6379');
    expect(ENGINES.mongodb.variables(credentials, 'mongo').DATABASE_URL).toBe('mongodb://app:p%40ss%3Aw%2Frd%3F%23@mongo:27017/shop_db?authSource=admin');
    const url = new URL(ENGINES.postgres.variables(credentials, 'pg').DATABASE_URL);
    expect(decodeURIComponent(url.password)).toBe(credentials.password);
  });

  it('give the official images their environment, and each a health command, a dump and (but Redis) a restore', () => {
    expect(ENGINES.postgres.environment(credentials)).toEqual({ POSTGRES_USER: 'app', POSTGRES_PASSWORD: credentials.password, POSTGRES_DB: 'shop_db' });
    expect(ENGINES.mariadb.environment(credentials)).toMatchObject({ MARIADB_ROOT_PASSWORD: credentials.password, MARIADB_DATABASE: 'shop_db', MARIADB_USER: 'app' });
    expect(ENGINES.mongodb.environment(credentials)).toEqual({ MONGO_INITDB_ROOT_USERNAME: 'app', MONGO_INITDB_ROOT_PASSWORD: credentials.password, MONGO_INITDB_DATABASE: 'shop_db' });
    expect(ENGINES.redis.args!(credentials)).toEqual(['redis-server', '--requirepass', credentials.password, '--appendonly', 'yes', '--dir', '/data']);
    for (const engine of Object.values(ENGINES)) {
      expect(engine.health(credentials)[0], engine.name).toBe('CMD');
      expect(engine.dump(credentials).length, engine.name).toBeGreaterThan(0);
      if (engine.name !== 'redis') expect(engine.restore!(credentials).length, engine.name).toBeGreaterThan(0);
      expect(engine.image, engine.name).toMatch(/^[a-z]+:\d+(\.\d+)?$/);
      expect(engine.versionPattern.test(engine.image.split(':')[1]), engine.name).toBe(true);
    }
    expect(ENGINES.mongodb.dump(credentials)).toEqual(['mongodump', '--archive', '--uri', 'mongodb://app:p%40ss%3Aw%2Frd%3F%23@127.0.0.1:27017/shop_db?authSource=admin']);
  });

  it('take versions that are tags, and nothing else', () => {
    for (const v of ['16', '17.2', '17-alpine']) expect(ENGINES.postgres.versionPattern.test(v), v).toBe(true);
    for (const v of ['latest', '17;rm', '../17', '17 ', '', 'x'.repeat(80), '17@sha256:abc']) expect(ENGINES.postgres.versionPattern.test(v), v).toBe(false);
  });
});

describe('databaseServiceSpec', () => {
  it('names a new database\'s volume with the random part it is given, so a later one of the same name never opens it', () => {
    expect(databaseVolumeName({ project: 'shop', environment: 'production', name: 'pg' }, '0a1b2c3d4e5f')).toBe('spur_shop_pg_production_data_0a1b2c3d4e5f');
  });
  it('runs one replica, stop-first, on its volume and its node, on the project network only', () => {
    const spec = databaseServiceSpec({ project: 'shop', environment: 'production', name: 'pg', volume: 'spur_shop_pg_production_data_0a1b2c3d4e5f', engine: ENGINES.postgres, image: 'postgres:17', credentials, installId: 'inst', nodeId: 'node1' });
    expect(spec.Name).toBe('spur_shop_pg_production');
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(spec.UpdateConfig.Order).toBe('stop-first');
    expect(spec.RollbackConfig.Order).toBe('stop-first');
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([{ Type: 'volume', Source: 'spur_shop_pg_production_data_0a1b2c3d4e5f', Target: '/var/lib/postgresql/data', ReadOnly: false, VolumeOptions: { Labels: expect.objectContaining({ 'spur.database': 'pg', 'spur.project': 'shop' }) } }]);
    expect(spec.TaskTemplate.Placement).toEqual({ Constraints: ['node.id==node1'] });
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: 'spur_shop_production', Aliases: ['pg'] }]);
    expect(spec.TaskTemplate.ContainerSpec.Env).toContain('POSTGRES_DB=shop_db');
    expect(spec.TaskTemplate.ContainerSpec.HealthCheck?.Test).toEqual(['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'app', '-d', 'shop_db']);
    expect(spec.TaskTemplate.Resources.Limits.MemoryBytes).toBe(1024 * 1024 * 1024);
    expect(spec.Labels).toMatchObject({ 'spur.managed': 'true', 'spur.install': 'inst', 'spur.database': 'pg' });
  });
});
