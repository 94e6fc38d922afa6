import type { DatabaseEngine } from '../engine.js';
import { MYSQL_INVENTORY, mysql } from './mysql.js';

export const mariadb: DatabaseEngine = {
  name: 'mariadb',
  image: 'mariadb:11',
  versionPattern: /^\d{1,2}(\.\d{1,2}){0,2}(-(ubi|noble|jammy))?$/,
  port: 3306,
  dataPath: '/var/lib/mysql',
  environment: (c) => ({ MARIADB_ROOT_PASSWORD: c.password, MARIADB_DATABASE: c.database, MARIADB_USER: c.user, MARIADB_PASSWORD: c.password }),
  health: (c) => ['CMD', 'mariadb-admin', 'ping', '-h', '127.0.0.1', '-u', c.user, `-p${c.password}`],
  // MariaDB speaks MySQL's protocol: apps connect to it with the same URL and variables.
  variables: mysql.variables,
  dump: (c) => ['mariadb-dump', '--single-transaction', '--routines', '--triggers', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database],
  inventory: (c) => ['mariadb', '-N', '-B', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database, '-e', MYSQL_INVENTORY],
  // The dump names no database (no CREATE DATABASE or USE): it goes only where the restore points it.
  restore: (c) => ['mariadb', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database],
};
