import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { tarOfFile } from './tar.js';

describe('tarOfFile', () => {
  it('makes an archive GNU tar lists and extracts to the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spur-tar-'));
    const content = Buffer.from(Array.from({ length: 1300 }, (_, i) => i % 251));
    writeFileSync(join(dir, 'in.rdb'), content);
    const archive = await buffer(await tarOfFile(join(dir, 'in.rdb'), 'dump.rdb'));
    expect(archive.length % 512).toBe(0);
    writeFileSync(join(dir, 'a.tar'), archive);
    expect(execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' })).toMatch(/^-rw-r--r-- .* 1300 .* dump\.rdb\n$/);
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
    expect(readFileSync(join(dir, 'dump.rdb')).equals(content)).toBe(true);
  });
});
