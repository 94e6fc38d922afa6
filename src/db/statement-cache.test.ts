import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keepingStatements } from './statement-cache.js';

describe('keepingStatements', () => {
  it('prepares a query once, keeps the most recently used, and gives a busy statement a twin', () => {
    const sqlite = new SQLite(':memory:');
    sqlite.exec('create table t (n integer); insert into t values (1), (2), (3)');
    const db = keepingStatements(sqlite, 2);
    const first = db.prepare('select n from t');
    expect(db.prepare('select n from t')).toBe(first);
    expect(first.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);

    // Iterating, the statement is busy: the same query meanwhile runs on another.
    const rows = first.iterate([]);
    rows.next();
    const meanwhile = db.prepare('select n from t');
    expect(meanwhile).not.toBe(first);
    expect(meanwhile.all([])).toHaveLength(3);
    rows.return?.();

    // Past the bound, the least recently used is dropped.
    const other = db.prepare('select n + 1 from t');
    db.prepare('select n from t');
    db.prepare('select n + 2 from t');
    expect(db.prepare('select n from t')).toBe(meanwhile);
    expect(db.prepare('select n + 1 from t')).not.toBe(other);
    db.close();
  });
});
