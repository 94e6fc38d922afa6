// What SQLite's errors mean to the code that caused them.

/** A UNIQUE or PRIMARY KEY constraint refused the write. */
export const isUniqueViolation = (err: unknown) => /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(String((err as { code?: unknown })?.code));
