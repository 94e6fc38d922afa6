import { describe, expect, it } from 'vitest';
import { PhaseClock, readTimings } from './phase-clock.js';

describe('a deployment\'s timings', () => {
  it('adds each phase\'s time, from a queue that began before, to a line that reads back', () => {
    let t = 10_000;
    const clock = new PhaseClock(() => t);
    clock.enter('queue', 9_500);
    t = 10_200;
    clock.enter('fetch');
    t = 10_450;
    clock.enter('build');
    t = 11_450;
    clock.enter('first probe');
    t = 11_700;
    clock.records.ms = 42;
    const line = clock.line();
    expect(line).toBe('Timings: queue 0.70 s · fetch 0.25 s · build 1.00 s · first probe 0.25 s · records 0.04 s (within those) · total 2.20 s');
    expect(readTimings(line)).toEqual({ queue: 700, fetch: 250, build: 1000, 'first probe': 250, records: 40, total: 2200 });
    expect(readTimings('Commit abc: change')).toBeUndefined();
  });

  it('adds a phase entered twice', () => {
    let t = 0;
    const clock = new PhaseClock(() => t);
    clock.enter('spec');
    t = 100;
    clock.enter('update');
    t = 300;
    clock.enter('spec');
    t = 350;
    expect(readTimings(clock.line())).toMatchObject({ spec: 150, update: 200, total: 350 });
  });
});
