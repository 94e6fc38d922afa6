import { type DatabaseEngine, connectionUrl } from '../engine.js';

// Every table of the database with its exact row count, `name<TAB>count` a line (one UNION query
// built from the table list; identifiers quoted, so no table name can break out of it).
export const MYSQL_INVENTORY = [
  "SET @q = (SELECT GROUP_CONCAT(CONCAT('SELECT ', QUOTE(table_name), ', COUNT(*) FROM `', REPLACE(table_name, '`', '``'), '`') ORDER BY table_name SEPARATOR ' UNION ALL ')",
  "FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE');",
  "SET @q = COALESCE(@q, 'SELECT 1 FROM DUAL WHERE FALSE'); PREPARE inventory FROM @q; EXECUTE inventory;",
].join('\n');

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
  inventory: (c) => ['mysql', '-N', '-B', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database, '-e', MYSQL_INVENTORY],
  // The dump names no database (no CREATE DATABASE or USE): it goes only where the restore points it.
  restore: (c) => ['mysql', '-h', '127.0.0.1', '-u', 'root', `-p${c.password}`, c.database],
};
