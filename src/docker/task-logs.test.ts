import { describe, expect, it } from 'vitest';
import { formatTaskLine, mergeTail, parseStamped } from './task-logs.js';

describe('task logs', () => {
  it('splits the timestamp Docker puts before each line', () => {
    expect(parseStamped('2026-11-24T22:00:01.123456789Z hello world', 'web.1')).toEqual({ time: '2026-11-24T22:00:01.123456789Z', task: 'web.1', text: 'hello world' });
    expect(parseStamped('no stamp here', 'web.1')).toEqual({ time: '', task: 'web.1', text: 'no stamp here' });
  });
  it('merges tasks in time order and keeps the last N lines over all of them', () => {
    const a = ['2026-01-01T00:00:01Z a1', '2026-01-01T00:00:04Z a2'].map((l) => parseStamped(l, 'web.1'));
    const b = ['2026-01-01T00:00:02Z b1', '2026-01-01T00:00:03Z b2', '2026-01-01T00:00:05Z b3'].map((l) => parseStamped(l, 'web.2'));
    expect(mergeTail([a, b], 3).map((l) => l.text)).toEqual(['b2', 'a2', 'b3']);
    expect(mergeTail([a, b], 0)).toEqual([]);
  });
  it('prints time (to the millisecond), task and text', () => {
    expect(formatTaskLine(parseStamped('2026-11-24T22:00:01.123456789Z up', 'web.2'))).toBe('2026-11-24T22:00:01.123Z web.2 up');
  });
});
