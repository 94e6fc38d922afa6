import { describe, expect, it } from 'vitest';
import { type TaskView, judgeRollout } from './swarm.js';

const NOW = 1_000_000;
const task = (over: Partial<TaskView>): TaskView => ({ id: 't', state: 'running', desiredState: 'running', deployment: '2', since: NOW - 5_000, ...over });
const check = (replicas: number) => ({ deploymentId: 2, replicas, now: NOW, minUptimeMs: 2_000 });

describe('judgeRollout', () => {
  it('is done when every replica of the deployment runs and no older task does', () => {
    expect(judgeRollout([task({}), task({})], check(2))).toEqual({ done: true });
  });
  it('waits while replicas are missing or an old task still runs', () => {
    expect(judgeRollout([task({}), task({ state: 'starting' })], check(2))).toEqual({ done: false });
    expect(judgeRollout([task({}), task({ deployment: '1', desiredState: 'shutdown' })], check(1))).toEqual({ done: false });
  });
  it('counts a task only once it has run for the minimum uptime', () => {
    expect(judgeRollout([task({ since: NOW - 500 })], check(1))).toEqual({ done: false });
  });
  it('ignores old tasks that have stopped', () => {
    expect(judgeRollout([task({}), task({ deployment: '1', state: 'shutdown', desiredState: 'shutdown' })], check(1))).toEqual({ done: true });
  });
  it('fails after three failed tasks of the new deployment, with the exit code', () => {
    const failed = task({ state: 'failed', exitCode: 3, error: 'task: non-zero exit (3)' });
    expect(judgeRollout([failed, failed, task({ state: 'starting' })], check(1))).toEqual({ done: false });
    expect(judgeRollout([failed, failed, failed], check(1))).toEqual({ done: false, failure: 'the new task failed to start (exit code 3): task: non-zero exit (3)' });
  });
  it('reports a process that exits cleanly as failed to start', () => {
    const exited = task({ state: 'complete', exitCode: 0 });
    expect(judgeRollout([exited, exited, exited], check(1))).toMatchObject({ failure: expect.stringContaining('the process exited') });
  });
  it('does not count failures of other deployments', () => {
    const old = task({ deployment: '1', state: 'failed' });
    expect(judgeRollout([old, old, old], check(1))).toEqual({ done: false });
  });
  it('is done at once for zero replicas with nothing old running', () => {
    expect(judgeRollout([], check(0))).toEqual({ done: true });
  });
});
