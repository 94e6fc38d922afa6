import { describe, expect, it } from 'vitest';
import { parseDf } from './disk.js';

describe('df output', () => {
  it('reads total and available space in bytes', () => {
    const out = 'Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/vda1        263174212 190000000  73174212      73% /\n';
    expect(parseDf(out)).toEqual({ totalBytes: 263174212 * 1024, freeBytes: 73174212 * 1024 });
  });

  it('answers null for anything else', () => {
    expect(parseDf('')).toBeNull();
    expect(parseDf('df: /var/lib/docker: No such file or directory\n')).toBeNull();
    expect(parseDf('Filesystem 1024-blocks\nx y z\n')).toBeNull();
  });
});
