import { describe, expect, it } from 'vitest';
import { backupFileName, backupsToPrune, checkArchiveEntries, checkManifest, isBackupFileName } from './contents.js';

describe('backup archives', () => {
  it('are named by their UTC time, and pruned oldest first', () => {
    expect(backupFileName(new Date('2026-11-25T03:47:00.123Z'))).toBe('spur-backup-20261125T034700Z.tar.gz');
    const names = ['spur-backup-20261120T034700Z.tar.gz', 'spur-backup-20261122T034700Z.tar.gz', 'spur-backup-20261122T034700Z-2.tar.gz', 'spur-backup-20261121T034700Z.tar.gz', 'notes.txt'];
    expect(backupsToPrune(names, 2)).toEqual(['spur-backup-20261121T034700Z.tar.gz', 'spur-backup-20261120T034700Z.tar.gz']);
    expect(backupsToPrune(names, 10)).toEqual([]);
    expect(isBackupFileName('spur-backup-20261122T034700Z.tar.gz.partial')).toBe(false);
  });

  it('hold only the items of a data dir', () => {
    expect(() => checkArchiveEntries(['manifest.json', 'spur.db', 'secret.key', 'repos/', 'repos/1/2.git/HEAD', 'install-id'])).not.toThrow();
    expect(() => checkArchiveEntries(['./manifest.json', './spur.db', './secret.key'])).not.toThrow();
    for (const bad of ['../etc/passwd', '/etc/passwd', 'repos/../../x', 'bin/spur', 'secret.key/x', 'repos//x', 'git-hooks/pre-receive']) {
      expect(() => checkArchiveEntries(['manifest.json', 'spur.db', 'secret.key', bad]), bad).toThrow(/path Spur does not write|not part of a Spur backup/);
    }
    expect(() => checkArchiveEntries(['manifest.json', 'spur.db'])).toThrow(/secret.key missing/);
  });

  it('from a newer Spur are refused, naming the version to update to', () => {
    const manifest = { format: 1, version: '0.3.0', commit: 'abc', createdAt: '2026-11-25T00:00:00Z', migrations: ['001_initial', '009_later'] };
    expect(() => checkManifest(manifest, ['009_later'], '0.2.0')).toThrow(/taken by Spur 0.3.0, whose database is newer than Spur 0.2.0 knows \(009_later\).*spur update --version 0.3.0/);
    expect(checkManifest(manifest, [], '0.2.0').version).toBe('0.3.0');
    expect(() => checkManifest({ format: 2 }, [], '0.2.0')).toThrow(/manifest is unreadable/);
  });
});
