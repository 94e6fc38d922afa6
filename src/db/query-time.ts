// Time spent in SQLite by one piece of work (a deployment), for its timings. better-sqlite3 runs
// each query synchronously, so a query's duration is time the whole process waited on it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface QueryTime {
  ms: number;
}

const current = new AsyncLocalStorage<QueryTime>();

/** Runs `work`, adding the duration of every query it makes to `into`. */
export const countingQueryTime = <T>(into: QueryTime, work: () => Promise<T>): Promise<T> => current.run(into, work);

/** Kysely's log hook: each query's duration goes to the work that made it. */
export function addQueryTime(ms: number): void {
  const time = current.getStore();
  if (time) time.ms += ms;
}
