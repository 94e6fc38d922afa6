import { describe, expect, it } from 'vitest';
import { describeFailure, judgeRollout } from './rollout.js';
import type { TaskView } from './swarm.js';

const NOW = 1_000_000;
const task = (over: Partial<TaskView>): TaskView => ({ id: 't', state: 'running', desiredState: 'running', deployment: '2', since: NOW - 5_000, ...over });
const check = (replicas: number) => ({ deploymentId: 2, replicas, now: NOW, minUptimeMs: 2_000, maxFailures: 3 });
const created = {};
const updating = { state: 'updating' };
const completed = { state: 'completed' };

describe('judgeRollout', () => {
  it('is done when every replica of the deployment runs and no older task does', () => {
    expect(judgeRollout(created, [task({}), task({})], check(2))).toEqual({ done: true });
  });
  it('waits while replicas are missing or an old task still runs', () => {
    expect(judgeRollout(created, [task({}), task({ state: 'starting' })], check(2))).toEqual({ done: false });
    expect(judgeRollout(created, [task({}), task({ deployment: '1', desiredState: 'shutdown' })], check(1))).toEqual({ done: false });
  });
  it('counts a task only once it has run for the minimum uptime', () => {
    expect(judgeRollout(created, [task({ since: NOW - 500 })], check(1))).toEqual({ done: false });
  });
  it('ignores old tasks that have stopped', () => {
    expect(judgeRollout(created, [task({}), task({ deployment: '1', state: 'shutdown', desiredState: 'shutdown' })], check(1))).toEqual({ done: true });
  });
  it('gives up a first deploy after the allowed number of failed tasks', () => {
    const failed = task({ state: 'failed', exitCode: 3 });
    const exited = task({ state: 'complete', exitCode: 0 });
    expect(judgeRollout(created, [failed, failed, task({ state: 'starting' })], check(1))).toEqual({ done: false });
    expect(judgeRollout(created, [failed, exited, failed], check(1))).toEqual({ done: false, failure: 'the new tasks keep failing' });
  });
  it('waits for Swarm to finish an update, and reports its rollback as a failure', () => {
    expect(judgeRollout(updating, [task({})], check(1))).toEqual({ done: false });
    expect(judgeRollout(completed, [task({ since: NOW })], check(1))).toEqual({ done: true });
    expect(judgeRollout({ state: 'rollback_started', message: 'update rolled back due to failure' }, [task({ deployment: '1' })], check(1))).toEqual({
      done: false,
      failure: 'update rolled back due to failure',
      rollingBack: true,
    });
    expect(judgeRollout({ state: 'paused', message: 'update paused' }, [], check(1))).toEqual({ done: false, failure: 'update paused' });
  });
  it('leaves failures during an update to Swarm, which rolls back', () => {
    const failed = task({ state: 'failed' });
    expect(judgeRollout(updating, [failed, failed, failed, failed], check(1))).toEqual({ done: false });
  });
  it('does not count failures of other deployments', () => {
    const old = task({ deployment: '1', state: 'failed' });
    expect(judgeRollout(created, [old, old, old], check(1))).toEqual({ done: false });
  });
  it('is done at once for zero replicas with nothing old running', () => {
    expect(judgeRollout(created, [], check(0))).toEqual({ done: true });
  });
});

describe('describeFailure', () => {
  it('puts what is known into one sentence', () => {
    expect(describeFailure({ summary: 'the new tasks keep failing', exitCode: 7, swarmError: 'task: non-zero exit (7)', lastLines: ['a', 'b', 'boom', 'bye'] })).toBe(
      'the new tasks keep failing; exit code 7; task: non-zero exit (7); last output: b | boom | bye',
    );
    expect(describeFailure({ summary: 'not healthy within 60s', exitCode: 0, healthOutput: 'GET /health answered 500\n', swarmError: 'x' })).toBe('not healthy within 60s; health check: GET /health answered 500');
  });
});
