// Opens the SQLite database (WAL, foreign keys on) and brings its schema up to date.
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { migrations, unknownMigrations } from './migrations/index.js';
import { addQueryTime } from './query-time.js';
import { keepingStatements } from './statement-cache.js';
import type { Database } from './schema.js';
import { shippedAddon } from '../executable.js';
import { VERSION } from '../version.js';

export type Db = Kysely<Database>;

/** A plain better-sqlite3 connection (its addon found wherever Spur runs from). */
export function openSqlite(file: string, options: SQLite.Options = {}): SQLite.Database {
  return new SQLite(file, { ...options, nativeBinding: shippedAddon('better_sqlite3.node', join(dirname(file), 'bin')) as string | undefined });
}

export async function openDatabase(file: string): Promise<Db> {
  const sqlite = openSqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's own page cache (2 MB by default) would hold pages the kernel's page cache holds anyway.
  sqlite.pragma('cache_size = -512');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }), log: (event) => addQueryTime(event.queryDurationMillis) });
  await migrate(db);
  return db;
}

/** Migrations only go forward: a database that a newer Spur has migrated is refused, with what to do. */
export class NewerDatabase extends Error {}

export async function migrate(db: Kysely<Database>): Promise<void> {
  const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db).then((r) => r.rows.map((row) => row.name), () => [] as string[]);
  const unknown = unknownMigrations(applied);
  if (unknown.length > 0) {
    throw new NewerDatabase(
      `this database was migrated by a newer Spur (it has migration ${unknown.join(', ')}, which Spur ${VERSION} does not know). ` +
        'Install that newer version again (spur update --version <version>), or restore a backup taken before it (spur backup restore <file>).',
    );
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}
