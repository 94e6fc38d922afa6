import { describe, expect, it } from 'vitest';
import { resourceState } from './resource-state.js';

const service = (over: Partial<{ serving: number | null; latest: { id: number; status: 'failed' | 'building' | 'cancelled' } | null; running: number | null; replicas: number }>) =>
  resourceState({ type: 'service', serving: null, latest: null, running: 1, replicas: 1, ...over });

describe('resourceState', () => {
  it('says in words whether a service serves, and that a failed attempt did not take it down', () => {
    expect(service({ serving: 3 })).toEqual({ kind: 'ok', words: 'serving', detail: null });
    expect(service({ serving: 3, latest: { id: 4, status: 'failed' } })).toEqual({ kind: 'degraded', words: 'serving, last deploy failed', detail: '#4 failed; #3 keeps serving' });
    expect(service({ latest: { id: 4, status: 'failed' } })).toEqual({ kind: 'down', words: 'down, last deploy failed', detail: '#4 failed and nothing serves' });
    expect(service({ serving: 3, running: 0 })).toEqual({ kind: 'down', words: 'down', detail: 'no replica of #3 is running' });
    expect(service({ serving: 3, latest: { id: 4, status: 'building' } }).words).toBe('serving, #4 building');
    expect(service({}).words).toBe('never deployed');
  });

  it('a database: running, starting, or unknown when Docker cannot be asked', () => {
    expect(resourceState({ type: 'database', running: 1 }).words).toBe('running');
    expect(resourceState({ type: 'database', running: 0 }).words).toBe('starting');
    expect(resourceState({ type: 'database', running: null }).kind).toBe('unknown');
  });
});
