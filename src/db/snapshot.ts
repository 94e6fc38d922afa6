// Consistent copies of the live database (SQLite's online backup: safe while Spur writes) and
// what a copy holds, read without migrating it.
import { chmodSync } from 'node:fs';
import { openSqlite } from './open.js';

export async function snapshotDatabase(dbFile: string, target: string): Promise<void> {
  const sqlite = openSqlite(dbFile, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    await sqlite.backup(target);
  } finally {
    sqlite.close();
  }
  chmodSync(target, 0o600);
}

/** Names of the migrations a database file has applied (none for a file without the table). */
export function appliedMigrations(dbFile: string): string[] {
  const sqlite = openSqlite(dbFile, { fileMustExist: true, readonly: true });
  try {
    const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
    return table ? (sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map((r) => r.name) : [];
  } finally {
    sqlite.close();
  }
}
