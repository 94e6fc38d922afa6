import { describe, expect, it } from 'vitest';
import { databaseState, serviceState, worstKind } from '../actions/service-state.js';

const active = (id: number) => ({ id, status: 'active' as const, failureReason: null });
const failed = (id: number, failureReason = 'Your app exited with code 1 right after starting: boom. #1 keeps serving.') => ({ id, status: 'failed' as const, failureReason });

describe('serviceState', () => {
  it('is serving when what should run runs', () => {
    expect(serviceState({ serving: 1, latest: active(1), running: 2, replicas: 2 })).toEqual({ kind: 'serving', words: 'serving #1' });
  });
  it('tells "serving, last attempt failed" apart from down, with the reason as detail', () => {
    expect(serviceState({ serving: 1, latest: failed(2), running: 1, replicas: 1 })).toEqual({ kind: 'attention', words: 'serving #1, #2 failed', detail: 'Your app exited with code 1 right after starting: boom. #1 keeps serving.' });
    expect(serviceState({ serving: null, latest: failed(2, 'Your app exited with code 7 right after starting: boom.'), running: 0, replicas: 1 })).toEqual({ kind: 'down', words: 'down: #2 failed', detail: 'Your app exited with code 7 right after starting: boom.' });
  });
  it("is down when nothing of what serves runs, with Docker's reason", () => {
    expect(serviceState({ serving: 1, latest: active(1), running: 0, replicas: 1, problem: 'it exited with code 3' })).toEqual({ kind: 'down', words: 'down', detail: 'it exited with code 3' });
    expect(serviceState({ serving: 1, latest: active(1), running: 0, replicas: 1 })).toEqual({ kind: 'down', words: 'down', detail: 'none of its 1 replica runs' });
  });
  it('needs attention when fewer replicas run than asked', () => {
    expect(serviceState({ serving: 1, latest: active(1), running: 1, replicas: 3, problem: 'no server can run it (x)' })).toEqual({ kind: 'attention', words: 'serving #1, 1 of 3 running', detail: 'no server can run it (x)' });
  });
  it('says when a deployment is under way, and what serves meanwhile', () => {
    expect(serviceState({ serving: 1, latest: { id: 2, status: 'building', failureReason: null }, running: 1, replicas: 1 })).toEqual({ kind: 'working', words: 'serving #1, deploying #2' });
    expect(serviceState({ serving: null, latest: { id: 1, status: 'queued', failureReason: null }, running: null, replicas: 1 })).toEqual({ kind: 'working', words: 'deploying #1' });
  });
  it('is not deployed, or unknown when Docker cannot be asked', () => {
    expect(serviceState({ serving: null, latest: null, running: 0, replicas: 1 })).toEqual({ kind: 'none', words: 'never deployed' });
    expect(serviceState({ serving: null, latest: { id: 3, status: 'cancelled', failureReason: 'cancelled' }, running: 0, replicas: 1 })).toEqual({ kind: 'none', words: 'not deployed: #3 cancelled' });
    expect(serviceState({ serving: 1, latest: active(1), running: null, replicas: 1 })).toEqual({ kind: 'unknown', words: 'serving #1 (Docker is not answering)' });
  });
});

describe('databaseState', () => {
  it('is running, starting, down with the reason, or unknown', () => {
    expect(databaseState({ running: 1 })).toEqual({ kind: 'serving', words: 'running' });
    expect(databaseState({ running: 0 })).toEqual({ kind: 'working', words: 'starting' });
    expect(databaseState({ running: 0, problem: 'Docker cannot find the image pg:99' })).toEqual({ kind: 'down', words: 'down', detail: 'Docker cannot find the image pg:99' });
    expect(databaseState({ running: null })).toEqual({ kind: 'unknown', words: 'unknown (Docker is not answering)' });
  });
});

describe('worstKind', () => {
  it('is the kind that needs a look first', () => {
    expect(worstKind(['serving', 'attention', 'none'])).toBe('attention');
    expect(worstKind(['attention', 'down', 'working'])).toBe('down');
    expect(worstKind([])).toBe('none');
  });
});
