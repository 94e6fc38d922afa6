import { describe, expect, it } from 'vitest';
import { LogLineDecoder } from './log-frames.js';

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
