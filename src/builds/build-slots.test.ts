import { describe, expect, it } from 'vitest';
import { BuildSlots } from './build-slots.js';

describe('BuildSlots', () => {
  it('runs one build at a time per server, the rest in the order they asked; other servers are not held up', async () => {
    const slots = new BuildSlots(1);
    const order: string[] = [];
    const waited: string[] = [];
    const first = await slots.acquire('manager');
    const second = slots.acquire('manager', { onWait: () => void waited.push('second') }).then((release) => (order.push('second'), release));
    const third = slots.acquire('manager', { onWait: () => void waited.push('third') }).then((release) => (order.push('third'), release));
    const elsewhere = await slots.acquire('node2');
    expect(waited).toEqual(['second', 'third']);
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    elsewhere();
    const again = await slots.acquire('manager');
    again();
  });

  it('gives up a place in line when the wait is cancelled, and a double release frees only once', async () => {
    const slots = new BuildSlots(1);
    const held = await slots.acquire('manager');
    const cancel = new AbortController();
    const cancelled = slots.acquire('manager', { signal: cancel.signal });
    const next = slots.acquire('manager');
    cancel.abort(new Error('cancelled'));
    await expect(cancelled).rejects.toThrow('cancelled');
    held();
    held();
    const release = await next;
    let thirdGot = false;
    const third = slots.acquire('manager').then((r) => ((thirdGot = true), r));
    await Promise.resolve();
    expect(thirdGot).toBe(false);
    release();
    (await third)();
  });

  it('runs work while a server is otherwise idle, builds asking meanwhile waiting for it to end', async () => {
    const slots = new BuildSlots(2);
    const mine = await slots.acquire('manager');
    const other = await slots.acquire('manager');
    // Another build runs: the work is skipped, not waited for.
    expect(await slots.whileAlone('manager', 1, async () => 'ran')).toBeUndefined();
    other();
    let finish!: () => void;
    const work = slots.whileAlone('manager', 1, () => new Promise<string>((resolve) => (finish = () => resolve('pruned'))));
    let lateGot = false;
    const late = slots.acquire('manager').then((r) => ((lateGot = true), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(lateGot).toBe(false);
    finish();
    expect(await work).toBe('pruned');
    (await late)();
    mine();
    // Idle: the nightly prune's case (it holds none).
    expect(await slots.whileAlone('node2', 0, async () => 'ran')).toBe('ran');
    expect(slots.busy('manager')).toBe(0);
  });
});
