import { describe, expect, it } from 'vitest';
import { describeFailure, inOrder, judgeRollout, lastFailedCheck } from './rollout.js';
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
    expect(judgeRollout(created, [task({}), task({ deployment: '1' })], check(1))).toEqual({ done: false });
  });
  it('does not wait for an old task Swarm told to stop: out of the service\'s name, it only drains (up to its stop grace)', () => {
    expect(judgeRollout(completed, [task({}), task({ deployment: '1', desiredState: 'shutdown' })], check(1))).toEqual({ done: true });
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
  it('says a crash as a person would: the exit code, when, the last lines in order, and what keeps serving', () => {
    expect(describeFailure({ cause: 'the new tasks keep failing', exitCode: 1, swarmError: 'task: non-zero exit (1)', ranMs: 800, lastLines: ['a', 'starting v2', 'reading configuration', 'fatal: DATABASE_URL is not set'] }, { keepsServing: 3 })).toBe(
      'Your app exited with code 1 right after starting: starting v2 / reading configuration / fatal: DATABASE_URL is not set. #3 keeps serving.',
    );
    expect(describeFailure({ cause: 'x', exitCode: 7, ranMs: 95_000, lastLines: ['boom'] }, {})).toBe('Your app exited with code 7 after running 95 s: boom. Nothing serves yet.');
  });
  it("says a failed health check with its output, a timeout with its length, and Docker's own error in plain words", () => {
    expect(describeFailure({ cause: 'not healthy within 60 s', exitCode: 0, healthOutput: 'GET /health answered 500\n', swarmError: 'x' }, { keepsServing: 4 })).toBe('The new version failed its health check: GET /health answered 500. #4 keeps serving.');
    expect(describeFailure({ cause: 'the new tasks keep failing', exitCode: 137, swarmError: 'unhealthy container' }, {})).toBe('The new version failed its health check. Nothing serves yet.');
    expect(describeFailure({ cause: 'not healthy within 60 s' }, { keepsServing: 4 })).toBe('The new version was not healthy within 60 s. #4 keeps serving.');
    expect(describeFailure({ cause: 'the new tasks keep failing', swarmError: 'No such image: spur-test/x:1' }, {})).toBe('Docker cannot find the image spur-test/x:1. Nothing serves yet.');
  });
});

describe('inOrder', () => {
  it("puts stdout and stderr lines back in the order they were written, stamps taken off", () => {
    expect(inOrder(['2026-12-05T07:53:04.7291Z starting v2', '2026-12-05T07:53:04.7299Z line two', '2026-12-05T07:53:04.7295Z fatal: no DATABASE_URL', ''])).toEqual(['starting v2', 'fatal: no DATABASE_URL', 'line two']);
  });
});

describe('lastFailedCheck', () => {
  it('takes the last check that ran and failed, not one Docker could not start in an exited container', () => {
    const ran = { ExitCode: 1, Output: 'nothing accepts connections on port 3000\n' };
    const couldNotStart = { ExitCode: -1, Output: 'OCI runtime exec failed: exec failed: unable to start container process: error executing setns process: exit status 1: unknown' };
    expect(lastFailedCheck([ran, couldNotStart])).toBe(ran.Output);
    expect(lastFailedCheck([couldNotStart])).toBeUndefined();
    expect(lastFailedCheck([ran, { ExitCode: 137, Output: '' }, { ExitCode: 0, Output: 'port 3000 accepts connections' }])).toBe(ran.Output);
    // An image's check that ran too long did run: what Docker says of it stays.
    expect(lastFailedCheck([ran, { ExitCode: -1, Output: 'Health check exceeded timeout (5s)' }])).toBe('Health check exceeded timeout (5s)');
  });
});
