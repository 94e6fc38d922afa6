import { describe, expect, it } from 'vitest';
import { LogLineDecoder, MAX_LINE_BYTES, StreamLineDecoder } from './log-frames.js';

const frame = (stream: number, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe('LogLineDecoder', () => {
  it('splits multiplexed frames into lines across chunk boundaries', () => {
    const d = new LogLineDecoder();
    const bytes = Buffer.concat([frame(1, 'hello\nwor'), frame(2, 'ld\r\n'), frame(1, 'tail')]);
    const lines = [...d.push(bytes.subarray(0, 5)), ...d.push(bytes.subarray(5, 19)), ...d.push(bytes.subarray(19)), ...d.end()];
    expect(lines).toEqual(['hello', 'world', 'tail']);
  });
  it('passes raw text through', () => {
    const d = new LogLineDecoder();
    expect([...d.push(Buffer.from('plain text line\nsecond')), ...d.end()]).toEqual(['plain text line', 'second']);
  });
});

describe('StreamLineDecoder', () => {
  it('keeps stdout and stderr apart, joins a line cut across frames and chunks, and a UTF-8 character cut in two', () => {
    const d = new StreamLineDecoder();
    const euro = Buffer.from('€');
    const bytes = Buffer.concat([frame(1, 'out one\nout '), frame(2, 'err one\n'), frame(1, 'two\n'), frame(2, 'price 3'), Buffer.from([2, 0, 0, 0, 0, 0, 0, 1]), euro.subarray(0, 1), Buffer.from([2, 0, 0, 0, 0, 0, 0, 3]), euro.subarray(1), Buffer.from('\n'), frame(1, 'last')]);
    const seen = [];
    for (let i = 0; i < bytes.length; i += 5) seen.push(...d.push(bytes.subarray(i, i + 5)));
    seen.push(...d.end());
    expect(seen).toEqual([
      { stream: 'stdout', line: 'out one' },
      { stream: 'stderr', line: 'err one' },
      { stream: 'stdout', line: 'out two' },
      { stream: 'stderr', line: 'price 3€' },
      { stream: 'stdout', line: 'last' },
    ]);
  });
});

describe('StreamLineDecoder on output without line ends', () => {
  it('gives a line past MAX_LINE_BYTES in pieces, holding no more than that', () => {
    const d = new StreamLineDecoder();
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) seen.push(...d.push(frame(1, 'x'.repeat(10_000))).map((l) => l.line));
    seen.push(...d.end().map((l) => l.line));
    expect(seen.join('')).toHaveLength(400_000);
    expect(Math.max(...seen.map((l) => l.length))).toBe(MAX_LINE_BYTES);
    expect(seen.slice(0, -1).every((l) => l.length === MAX_LINE_BYTES)).toBe(true);
  });
});
