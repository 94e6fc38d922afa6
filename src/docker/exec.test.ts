import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdoutFrames } from './exec.js';

const frame = (stream: 1 | 2, payload: Buffer) => Buffer.concat([Buffer.from([stream, 0, 0, 0]), Buffer.from([0, 0, 0, 0].map((_, i) => (payload.length >> (8 * (3 - i))) & 0xff)), payload]);

describe('StdoutFrames', () => {
  it('passes stdout bytes through whatever the chunking, and keeps stderr apart', async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const whole = Buffer.concat([frame(1, binary.subarray(0, 40_000)), frame(2, Buffer.from('warning: x\n')), frame(1, binary.subarray(40_000))]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 777) chunks.push(whole.subarray(i, i + 777));
    const frames = new StdoutFrames();
    const out: Buffer[] = [];
    for await (const c of Readable.from(chunks).pipe(frames)) out.push(c as Buffer);
    expect(Buffer.concat(out).equals(binary)).toBe(true);
    expect(frames.stderr).toBe('warning: x\n');
  });
});
