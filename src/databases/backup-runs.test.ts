import { describe, expect, it } from 'vitest';
import { backupsBeyond, remoteKeyOf } from './backup-runs.js';

const b = (id: number, status: 'ok' | 'failed' | 'running') => ({ id, status });

describe('backupsBeyond', () => {
  it('keeps the newest N completed backups and removes the older ones', () => {
    expect(backupsBeyond([b(5, 'ok'), b(4, 'ok'), b(3, 'ok'), b(2, 'ok')], 2)).toEqual([3, 2]);
  });
  it('keeps failed backups newer than the oldest kept, removes older ones, never touches a running one', () => {
    expect(backupsBeyond([b(6, 'running'), b(5, 'failed'), b(4, 'ok'), b(3, 'failed'), b(2, 'ok'), b(1, 'failed')], 1)).toEqual([3, 2, 1]);
  });
  it('with nothing to keep, removes every finished backup', () => {
    expect(backupsBeyond([b(3, 'running'), b(2, 'ok'), b(1, 'failed')], 0)).toEqual([2, 1]);
  });
  it('keeps everything while there are fewer than N', () => {
    expect(backupsBeyond([b(2, 'failed'), b(1, 'ok')], 7)).toEqual([]);
  });
});

describe('remoteKeyOf', () => {
  it('lays objects out as the data dir does', () => {
    expect(remoteKeyOf({ project: 'shop', environment: 'production', name: 'pg' }, '/var/lib/spur/backups/databases/shop/production/pg/2026-11-25T03-00-00-000Z-7.dump')).toBe('shop/production/pg/2026-11-25T03-00-00-000Z-7.dump');
  });
});
