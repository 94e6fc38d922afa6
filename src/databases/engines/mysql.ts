import { type DatabaseEngine, connectionUrl } from '../engine.js';

export const mysql: DatabaseEngine = {
  name: 'mysql',
  image: 'mysql:8.4',
  versionPattern: /^\d{1,2}(\.\d{1,2}){0,2}(-(oracle|debian))?$/,
  port: 3306,
  dataPath: '/var/lib/mysql',
  environment: (c) => ({ MYSQL_ROOT_PASSWORD: c.password, MYSQL_DATABASE: c.database, MYSQL_USER: c.user, MYSQL_PASSWORD: c.password }),
  health: (c) => ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1', '-u', c.user, `-p${c.password}`],
  variables: (c, host) => ({
    DATABASE_URL: connectionUrl('mysql', c, host, 3306, `/${c.database}`),
    MYSQL_HOST: host,
    MYSQL_PORT: '3306',
    MYSQL_USER: c.user,
    MYSQL_PASSWORD: c.password,
    MYSQL_DATABASE: c.database,
  }),
  dump: (c) => ['mysqldump', '--single-transaction', '--routines', '--triggers', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database],
  // The dump names no database (no CREATE DATABASE or USE): it goes only where the restore points it.
  restore: (c) => ['mysql', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database],
};
