// The engines Spur runs, by the name users type (`--engine postgres`).
import type { DatabaseEngine } from '../engine.js';
import { mariadb } from './mariadb.js';
import { mongodb } from './mongodb.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';

export const ENGINES: Readonly<Record<string, DatabaseEngine>> = Object.freeze({ postgres, mysql, mariadb, redis, mongodb });
