// better-sqlite3 prepares a statement each time kysely runs a query, and preparing took about a
// tenth of the time of a page that lists a hundred services. Spur makes few distinct queries, so
// their statements are kept, the least recently used dropped past a bound. A statement still
// being iterated is busy: a query arriving meanwhile gets a statement of its own.
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export const STATEMENTS_KEPT = 200;

export function keepingStatements(sqlite: SQLite.Database, max = STATEMENTS_KEPT): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const known = kept.get(sql);
      kept.delete(sql);
      const statement = known && !known.busy ? known : sqlite.prepare(sql);
      kept.set(sql, statement);
      if (kept.size > max) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}
