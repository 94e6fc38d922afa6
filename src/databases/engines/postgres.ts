import { type DatabaseEngine, connectionUrl } from '../engine.js';

// Every table of the public schema with its exact row count, `name count` a line.
const POSTGRES_INVENTORY = `SELECT table_name || ' ' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
  FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;

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
  inventory: (c) => ['env', `PGPASSWORD=${c.password}`, 'psql', '-At', '-h', '127.0.0.1', '-U', c.user, '-d', c.database, '-v', 'ON_ERROR_STOP=1', '-c', POSTGRES_INVENTORY],
  restore: (c) => ['env', `PGPASSWORD=${c.password}`, 'pg_restore', '--clean', '--if-exists', '--no-owner', '-h', '127.0.0.1', '-U', c.user, '-d', c.database],
};
