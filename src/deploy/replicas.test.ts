import { describe, expect, it } from 'vitest';
import { describeReplicas } from './replicas.js';

describe('describeReplicas', () => {
  it('says all run when they do', () => {
    expect(describeReplicas({ desired: 2, running: 2, exists: true, latest: 'active', serving: true })).toBe('2 of 2 running');
  });
  it('says nothing started yet when Docker has no service and nothing serves, also after a failed deploy', () => {
    expect(describeReplicas({ desired: 1, running: 0, exists: false, serving: false })).toBe('0 of 1 running: no version has started yet');
    expect(describeReplicas({ desired: 1, running: 0, exists: false, latest: 'failed', serving: false })).toBe('0 of 1 running: no version has started yet (the last deploy failed)');
    expect(describeReplicas({ desired: 1, running: 0, exists: false, latest: 'building', serving: false })).toBe('0 of 1 running: the first version is being deployed');
  });
  it('says the service is missing when a version should serve', () => {
    expect(describeReplicas({ desired: 1, running: 0, exists: false, latest: 'active', serving: true })).toBe('0 of 1 running: the service is missing from Docker; deploy again to start it');
  });
  it('says how many are starting, or that a deploy is under way', () => {
    expect(describeReplicas({ desired: 3, running: 1, exists: true, latest: 'active', serving: true })).toBe('1 of 3 running: 2 are starting or restarting');
    expect(describeReplicas({ desired: 1, running: 0, exists: true, latest: 'deploying', serving: false })).toBe('0 of 1 running: a deploy is under way');
  });
  it('says unknown only when Docker did not answer', () => {
    expect(describeReplicas({ desired: 1, running: null, exists: false, serving: true })).toBe('unknown: Docker did not answer (1 wanted)');
  });
});
