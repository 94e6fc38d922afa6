import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('parses events split across chunks, with ids, multi-line data and comments', () => {
    const p = new SseParser();
    const events = [...p.push('event: line\nid: 4\ndata: {"line":'), ...p.push('"a"}\n\n: keepalive\n\ndata: one\ndata: two\n\nevent: done\ndata: done\n\n')];
    expect(events).toEqual([
      { event: 'line', id: '4', data: '{"line":"a"}' },
      { event: 'message', id: undefined, data: 'one\ntwo' },
      { event: 'done', id: undefined, data: 'done' },
    ]);
  });
});
