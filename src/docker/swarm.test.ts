import { describe, expect, it } from 'vitest';
import { type TaskView, judgeRollout } from './swarm.js';

const task = (over: Partial<TaskView>): TaskView => ({ id: 't', state: 'running', desiredState: 'running', deployment: '2', ...over });

describe('judgeRollout', () => {
  it('is done when every replica of the deployment runs and no older task does', () => {
    expect(judgeRollout([task({}), task({})], 2, 2)).toEqual({ done: true });
  });
  it('waits while replicas are missing or an old task still runs', () => {
    expect(judgeRollout([task({}), task({ state: 'starting' })], 2, 2)).toEqual({ done: false });
    expect(judgeRollout([task({}), task({ deployment: '1', desiredState: 'shutdown' })], 2, 1)).toEqual({ done: false });
  });
  it('ignores old tasks that have stopped', () => {
    expect(judgeRollout([task({}), task({ deployment: '1', state: 'shutdown', desiredState: 'shutdown' })], 2, 1)).toEqual({ done: true });
  });
  it('fails after three failed tasks of the new deployment, with the exit code', () => {
    const failed = task({ state: 'failed', exitCode: 3, error: 'task: non-zero exit (3)' });
    expect(judgeRollout([failed, failed, task({ state: 'starting' })], 2, 1)).toEqual({ done: false });
    expect(judgeRollout([failed, failed, failed], 2, 1)).toEqual({ done: false, failure: 'the new task failed to start (exit code 3): task: non-zero exit (3)' });
  });
  it('reports a process that exits cleanly as failed to start', () => {
    const exited = task({ state: 'complete', exitCode: 0 });
    expect(judgeRollout([exited, exited, exited], 2, 1)).toMatchObject({ failure: expect.stringContaining('the process exited') });
  });
  it('does not count failures of other deployments', () => {
    const old = task({ deployment: '1', state: 'failed' });
    expect(judgeRollout([old, old, old], 2, 1)).toEqual({ done: false });
  });
  it('is done at once for zero replicas with nothing old running', () => {
    expect(judgeRollout([], 2, 0)).toEqual({ done: true });
  });
});
