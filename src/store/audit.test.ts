import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../db/open.js';
import { GENESIS, type NewAuditEntry, appendAuditEntry, canonicalJson, entryHash, listAuditEntries, pruneAuditEntries, verifyAuditChain } from './audit.js';

const entry = (action: string, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  actor_kind: 'user', actor_id: 1, actor_email: 'o@example.com', role: 'owner', action,
  object_kind: 'service', object_id: 7, object_name: 'shop/web', project_id: 3,
  before: null, after: JSON.stringify({ API_KEY: '(set)' }), via: 'api', address: '198.51.100.4', outcome: 'allowed', ...over,
});

/** What someone with the database file can do: the trigger that stops Spur's own updates is theirs to drop. */
async function tamper(db: Db, statement: string) {
  await sql.raw('DROP TRIGGER IF EXISTS audit_entries_append_only').execute(db);
  await sql.raw(statement).execute(db);
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, leaves arrays in order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
  });
});

describe('entryHash', () => {
  it('is sha256 of the previous hash and the canonical JSON of the other fields', () => {
    const row = { ...entry('deploy'), at: '2026-12-05T12:00:00.000Z', id: 1, prev_hash: GENESIS };
    const { prev_hash, ...fields } = row;
    expect(entryHash(row)).toBe(createHash('sha256').update(GENESIS + canonicalJson(fields)).digest('hex'));
    expect(entryHash({ ...row, after: JSON.stringify({ API_KEY: '(changed)' }) })).not.toBe(entryHash(row));
  });
});

describe('the audit chain', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openDatabase(':memory:');
    for (const action of ['variables.change', 'deploy', 'members.add', 'rollback', 'project.delete']) await appendAuditEntry(db, entry(action));
  });

  it('links each entry to the one before, and verifies whole', async () => {
    const rows = (await listAuditEntries(db)).reverse();
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].prev_hash).toBe(GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 5 });
  });

  it('refuses updates from Spur itself', async () => {
    await expect(db.updateTable('audit_entries').set({ outcome: 'refused' }).where('id', '=', 2).execute()).rejects.toThrow(/append-only/);
  });

  it('detects an edited row', async () => {
    await tamper(db, `UPDATE audit_entries SET actor_email = 'someone@example.com' WHERE id = 3`);
    expect(await verifyAuditChain(db)).toEqual({ intact: false, entries: 2, brokenAt: 3 });
  });

  it('detects an edited row whose hash was recomputed (the next row no longer follows it)', async () => {
    const row = (await listAuditEntries(db)).find((r) => r.id === 3)!;
    const { hash, ...rest } = { ...row, action: 'deploy' };
    await tamper(db, `UPDATE audit_entries SET action = 'deploy', hash = '${entryHash(rest)}' WHERE id = 3`);
    expect(await verifyAuditChain(db)).toEqual({ intact: false, entries: 3, brokenAt: 4 });
  });

  it('detects a deleted middle row', async () => {
    await sql.raw('DELETE FROM audit_entries WHERE id = 2').execute(db);
    expect(await verifyAuditChain(db)).toEqual({ intact: false, entries: 1, brokenAt: 3 });
  });

  it('detects reordered rows (two rows swap places)', async () => {
    await tamper(db, 'UPDATE audit_entries SET id = 100 WHERE id = 2');
    await tamper(db, 'UPDATE audit_entries SET id = 2 WHERE id = 4');
    await tamper(db, 'UPDATE audit_entries SET id = 4 WHERE id = 100');
    expect(await verifyAuditChain(db)).toEqual({ intact: false, entries: 1, brokenAt: 2 });
  });

  it('filters by who, what, when and project, newest first', async () => {
    await appendAuditEntry(db, entry('variables.reveal', { actor_email: 'm@example.com', project_id: 4, outcome: 'refused', at: '2030-01-01T00:00:00.000Z' }));
    expect((await listAuditEntries(db, { actor: 'm@example.com' })).map((r) => r.action)).toEqual(['variables.reveal']);
    expect((await listAuditEntries(db, { action: 'variables' })).map((r) => r.action)).toEqual(['variables.reveal', 'variables.change']);
    expect((await listAuditEntries(db, { action: 'variables.change' })).map((r) => r.id)).toEqual([1]);
    expect((await listAuditEntries(db, { action: 'var' })).length).toBe(0);
    expect((await listAuditEntries(db, { projectId: 3 })).map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect((await listAuditEntries(db, { since: '2029-01-01T00:00:00.000Z' })).map((r) => r.id)).toEqual([6]);
    expect((await listAuditEntries(db, { until: '2029-01-01T00:00:00.000Z', beforeId: 3 })).map((r) => r.id)).toEqual([2, 1]);
    expect((await listAuditEntries(db, { outcome: 'refused', limit: 1 })).map((r) => r.id)).toEqual([6]);
  });

  it('prunes from the oldest end and keeps the chain verifiable from the new anchor', async () => {
    await appendAuditEntry(db, entry('deploy', { at: '2999-01-01T00:00:00.000Z' }));
    expect(await pruneAuditEntries(db, '2100-01-01T00:00:00.000Z')).toBe(5);
    expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 1 });
    await appendAuditEntry(db, entry('rollback'));
    expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 2 });
    expect((await listAuditEntries(db)).map((r) => r.id)).toEqual([7, 6]);
    // Removing the oldest kept row is still seen: the anchor names the row before it.
    await sql.raw('DELETE FROM audit_entries WHERE id = 6').execute(db);
    expect(await verifyAuditChain(db)).toEqual({ intact: false, entries: 0, brokenAt: 7 });
  });

  it('chains appends that run at the same time', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAuditEntry(db, entry(`deploy.${i}`))));
    expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 25 });
  });
});
