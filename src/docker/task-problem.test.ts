import { describe, expect, it } from 'vitest';
import { plainTaskError, taskProblem } from './task-problem.js';

const t = (over: Partial<Parameters<typeof taskProblem>[0][number]>) => ({ slot: 1, state: 'running', since: 1000, ...over });

describe('taskProblem', () => {
  it("says why a slot has nothing running, from its newest task that failed, in plain words", () => {
    const rejected = (since: number) => t({ state: 'rejected', error: 'No such image: spur-test/x:1', since });
    expect(taskProblem([rejected(1000), rejected(6000), t({ state: 'ready', since: 6100 })])).toBe('Docker cannot find the image spur-test/x:1');
  });
  it('says nothing once a newer task of the slot runs (a crash that Swarm rolled back, or an old failure)', () => {
    expect(taskProblem([t({ state: 'failed', error: 'task: non-zero exit (1)', exitCode: 1, since: 1000 }), t({ state: 'running', since: 2000 })])).toBeUndefined();
    expect(taskProblem([t({ state: 'shutdown', since: 3000 }), t({ state: 'failed', error: 'task: non-zero exit (1)', since: 1000 })])).toBeUndefined();
    expect(taskProblem([])).toBeUndefined();
  });
  it('names the first slot that has a problem when another runs', () => {
    expect(taskProblem([t({ slot: 1 }), t({ slot: 2, state: 'failed', exitCode: 137, error: 'task: non-zero exit (137)' })])).toBe('it was stopped with code 137 (out of memory, or killed)');
  });
});

describe('plainTaskError', () => {
  it("turns Docker's wording into a person's", () => {
    expect(plainTaskError({ error: 'task: non-zero exit (3)', exitCode: 3 })).toBe('it exited with code 3');
    expect(plainTaskError({ error: 'no suitable node (scheduling constraints not satisfied on 1 node)' })).toBe('no server can run it (scheduling constraints not satisfied on 1 node)');
    expect(plainTaskError({ error: 'starting container failed: error mounting "/x"' })).toBe('its container could not start: error mounting "/x"');
    expect(plainTaskError({ error: 'something new' })).toBe('Docker could not run it: something new');
    expect(plainTaskError({ state: 'complete', exitCode: 0 })).toBe('it stopped by itself (exit code 0)');
  });
});
