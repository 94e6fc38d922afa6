import { type DatabaseEngine, connectionUrl } from '../engine.js';

export const redis: DatabaseEngine = {
  name: 'redis',
  image: 'redis:7',
  versionPattern: /^\d{1,2}(\.\d{1,2}){0,2}(-(alpine|bookworm))?$/,
  port: 6379,
  dataPath: '/data',
  environment: () => ({}),
  // Append-only file as well as snapshots: a restart loses at most a second of writes.
  args: (c) => ['redis-server', '--requirepass', c.password, '--appendonly', 'yes', '--dir', '/data'],
  health: (c) => ['CMD', 'redis-cli', '--no-auth-warning', '-a', c.password, 'ping'],
  variables: (c, host) => ({
    DATABASE_URL: connectionUrl('redis', { ...c, user: 'default' }, host, 6379, ''),
    REDIS_URL: connectionUrl('redis', { ...c, user: 'default' }, host, 6379, ''),
    REDIS_HOST: host,
    REDIS_PORT: '6379',
    REDIS_PASSWORD: c.password,
  }),
  // An RDB snapshot streamed by the server itself (redis-cli --rdb -). A running Redis cannot load
  // one: a restore stops the server, puts the file in place of its data and starts it again.
  dump: (c) => ['redis-cli', '--no-auth-warning', '-a', c.password, '--rdb', '-'],
  // The append-only files would be loaded instead of the snapshot: they go. A server loads the
  // snapshot with no append-only file and no saves of its own; restoring, it then turns the
  // append-only file on (Redis writes it whole from what it holds) before it stops.
  loadFromFile: {
    path: '/data/dump.rdb',
    stale: ['/data/appendonlydir', '/data/appendonly.aof'],
    args: (c) => ['redis-server', '--requirepass', c.password, '--appendonly', 'no', '--save', '', '--dir', '/data'],
    persist: {
      command: (c) => ['redis-cli', '--no-auth-warning', '-a', c.password, 'CONFIG', 'SET', 'appendonly', 'yes'],
      check: (c) => ['redis-cli', '--no-auth-warning', '-a', c.password, 'INFO', 'persistence'],
      done: [/^aof_enabled:1\r?$/m, /^aof_rewrite_in_progress:0\r?$/m, /^aof_rewrite_scheduled:0\r?$/m, /^aof_last_bgrewrite_status:ok\r?$/m],
    },
  },
  inventory: (c) => ['redis-cli', '--no-auth-warning', '-a', c.password, 'INFO', 'keyspace'],
};
