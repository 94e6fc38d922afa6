import { type DatabaseEngine, connectionUrl } from '../engine.js';

export const postgres: DatabaseEngine = {
  name: 'postgres',
  image: 'postgres:17',
  versionPattern: /^\d{1,2}(\.\d{1,2})?(-(alpine|bookworm|bullseye))?$/,
  port: 5432,
  dataPath: '/var/lib/postgresql/data',
  environment: (c) => ({ POSTGRES_USER: c.user, POSTGRES_PASSWORD: c.password, POSTGRES_DB: c.database }),
  health: (c) => ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', c.user, '-d', c.database],
  variables: (c, host) => ({
    DATABASE_URL: connectionUrl('postgresql', c, host, 5432, `/${c.database}`),
    PGHOST: host,
    PGPORT: '5432',
    PGUSER: c.user,
    PGPASSWORD: c.password,
    PGDATABASE: c.database,
  }),
  dump: (c) => ['env', `PGPASSWORD=${c.password}`, 'pg_dump', '-Fc', '-h', '127.0.0.1', '-U', c.user, '-d', c.database],
  restore: (c) => ['env', `PGPASSWORD=${c.password}`, 'pg_restore', '--clean', '--if-exists', '--no-owner', '-h', '127.0.0.1', '-U', c.user, '-d', c.database],
};
