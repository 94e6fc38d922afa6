// The audit log's rows: appended with the hash of the row before (a chain), listed with filters,
// verified by walking the chain, and pruned from the oldest end. Nothing here changes or removes a
// row but pruning, which keeps the last pruned row's id and hash as the anchor the chain starts from.
import { createHash } from 'node:crypto';
import type { Db } from '../db/open.js';
import type { AuditEntry } from '../db/schema.js';
import { inTransaction, nowIso } from './time.js';

/** What the first row of a chain follows when nothing was pruned. */
export const GENESIS = '0'.repeat(64);
const ANCHOR = 'audit_anchor';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'prev_hash' | 'hash'> & { at?: string };

/** JSON with object keys sorted at every depth: one spelling per value, so a hash of it is stable. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256(prev_hash + canonical JSON of every other field of the row, its id included). */
export function entryHash(row: Omit<AuditEntry, 'hash'>): string {
  const { prev_hash, ...fields } = row;
  return createHash('sha256').update(prev_hash + canonicalJson(fields)).digest('hex');
}

/** Where the chain starts: after the last pruned row, or from the beginning. */
async function anchor(db: Db): Promise<{ id: number; hash: string }> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', ANCHOR).executeTakeFirst();
  return row ? (JSON.parse(row.value) as { id: number; hash: string }) : { id: 0, hash: GENESIS };
}

/** Appends one entry after the last. Inside the caller's transaction when `db` is one (the entry
 *  then stands or falls with the change); otherwise in a transaction of its own, so two appends
 *  never chain to the same row. */
export async function appendAuditEntry(db: Db, entry: NewAuditEntry): Promise<AuditEntry> {
  const append = async (tx: Db) => {
    const last = (await tx.selectFrom('audit_entries').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst()) ?? (await anchor(tx));
    const row = { ...entry, at: entry.at ?? nowIso(), id: last.id + 1, prev_hash: last.hash };
    const full = { ...row, hash: entryHash(row) };
    await tx.insertInto('audit_entries').values(full).execute();
    return full;
  };
  return inTransaction(db, append);
}

export interface AuditFilter {
  /** The actor's email, exactly. */
  actor?: string;
  /** An action ('variables.change'), or a family of them ('variables'). */
  action?: string;
  projectId?: number;
  outcome?: AuditEntry['outcome'];
  /** ISO times: at or after `since`, before `until`. */
  since?: string;
  until?: string;
  /** Entries older than this id (the next page). */
  beforeId?: number;
  limit?: number;
}

/** Entries matching the filter, newest first. */
export async function listAuditEntries(db: Db, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_entries').selectAll();
  if (filter.actor !== undefined) q = q.where('actor_email', '=', filter.actor);
  if (filter.action !== undefined) q = q.where((eb) => eb.or([eb('action', '=', filter.action!), eb('action', 'like', `${filter.action!.replace(/[%_\\]/g, '\\$&')}.%`)]));
  if (filter.projectId !== undefined) q = q.where('project_id', '=', filter.projectId);
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('at', '<', filter.until);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  return q.orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
}

export type ChainCheck = { intact: true; entries: number } | { intact: false; entries: number; brokenAt: number };

/** Walks the chain from its anchor: each row must follow the one before by id and by prev_hash,
 *  and hash to what it says. Answers the first row where that fails (a row edited, removed before
 *  it, or moved). */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
  let before = await anchor(db);
  let entries = 0;
  let lastId = before.id;
  for (;;) {
    const rows = await db.selectFrom('audit_entries').selectAll().where('id', '>', lastId).orderBy('id').limit(1000).execute();
    if (rows.length === 0) return { intact: true, entries };
    for (const row of rows) {
      const { hash, ...rest } = row;
      if (row.id !== before.id + 1 || row.prev_hash !== before.hash || entryHash(rest) !== hash) return { intact: false, entries, brokenAt: row.id };
      before = { id: row.id, hash };
      entries++;
    }
    lastId = before.id;
  }
}

/** Removes the entries made before `cutoff` (by id, from the oldest, so what stays is one unbroken
 *  chain) and keeps the last removed one's id and hash as the new anchor. Answers how many went. */
export async function pruneAuditEntries(db: Db, cutoff: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const last = await tx.selectFrom('audit_entries').select(['id', 'hash']).where('at', '<', cutoff).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!last) return 0;
    const removed = await tx.deleteFrom('audit_entries').where('id', '<=', last.id).executeTakeFirst();
    const value = JSON.stringify({ id: last.id, hash: last.hash });
    await tx.insertInto('settings').values({ key: ANCHOR, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    return Number(removed.numDeletedRows);
  });
}
