// The engines Spur runs, by the name users type (`--engine postgres`).
import type { DatabaseEngine } from '../engine.js';
import { mariadb } from './mariadb.js';
import { mongodb } from './mongodb.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';

export const ENGINES: Readonly<Record<string, DatabaseEngine>> = Object.freeze({ postgres, mysql, mariadb, redis, mongodb });

/** A stored database's engine; one this Spur does not know (written by a newer one) is an error. */
export function engineOf(d: { engine: string; name?: string; database_name?: string }): DatabaseEngine {
  const engine = ENGINES[d.engine];
  if (!engine) throw new Error(`database ${d.name ?? d.database_name} has an engine this Spur does not know: ${d.engine}`);
  return engine;
}
