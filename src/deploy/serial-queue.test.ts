import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('SerialQueue.run', () => {
  it('runs the jobs of one key one after another, in the order given, and answers each', async () => {
    const queue = new SerialQueue();
    const seen: string[] = [];
    const job = (name: string) => async () => {
      seen.push(`${name} start`);
      await tick();
      seen.push(`${name} end`);
      return name;
    };
    const answers = await Promise.all([queue.run('k', job('a')), queue.run('k', job('b')), queue.run('other', job('c'))]);
    expect(answers).toEqual(['a', 'b', 'c']);
    expect(seen.indexOf('a end')).toBeLessThan(seen.indexOf('b start'));
    // Another key does not wait.
    expect(seen.indexOf('c start')).toBeLessThan(seen.indexOf('a end'));
  });

  it("hands back a job's error, and the next job of the key still runs", async () => {
    const queue = new SerialQueue();
    const failing = queue.run('k', async () => {
      throw new Error('refused');
    });
    const next = queue.run('k', async () => 'ran');
    await expect(failing).rejects.toThrow('refused');
    expect(await next).toBe('ran');
  });
});
