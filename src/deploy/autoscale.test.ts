import { describe, expect, it } from 'vitest';
import { autoscaleDecision } from './autoscale.js';

const MIB = 1048576;
const s = { min: 1, max: 4, cpu: 50, memory: null };
const limits = { cpu: 0.5, memoryBytes: 256 * MIB };

describe('autoscaling', () => {
  it('adds replicas to bring CPU per task to its target, never above the maximum', () => {
    // One task at its whole limit of 0.5 cores, a target of 50%: twice what it should be.
    expect(autoscaleDecision(s, 1, { cpu: 0.5, memory: 0, tasks: 1 }, limits, null, 1000)).toEqual({ replicas: 2, reason: expect.stringMatching(/^CPU at 200% of its target/) });
    expect(autoscaleDecision(s, 2, { cpu: 2, memory: 0, tasks: 2 }, limits, null, 1000)?.replicas).toBe(4);
  });
  it('takes them away when the load passed, never below the minimum, after its cool-down', () => {
    expect(autoscaleDecision(s, 3, { cpu: 0.01, memory: 0, tasks: 3 }, limits, { atS: 900 }, 1000)).toBeNull();
    expect(autoscaleDecision(s, 3, { cpu: 0.01, memory: 0, tasks: 3 }, limits, { atS: 600 }, 1000)?.replicas).toBe(1);
    expect(autoscaleDecision({ ...s, min: 2 }, 3, { cpu: 0, memory: 0, tasks: 3 }, limits, null, 1000)?.replicas).toBe(2);
  });
  it('leaves a use within 10% of the target, and follows the larger need of CPU and memory', () => {
    expect(autoscaleDecision(s, 2, { cpu: 0.52, memory: 0, tasks: 2 }, limits, null, 1000)).toBeNull();
    expect(autoscaleDecision({ ...s, memory: 50 }, 1, { cpu: 0.25, memory: 250 * MIB, tasks: 1 }, limits, null, 1000)).toEqual({ replicas: 2, reason: expect.stringMatching(/^memory at 195%/) });
  });
  it('brings replicas set outside the bounds back within them at once', () => {
    expect(autoscaleDecision(s, 9, null, limits, { atS: 999 }, 1000)).toEqual({ replicas: 4, reason: 'above its maximum of 4' });
  });
});

describe('a service scaled to 0 by a person', () => {
  it('is stopped, and the autoscaler leaves it so (its minimum does not start it again)', () => {
    expect(autoscaleDecision({ ...s, min: 2 }, 0, { cpu: 0, memory: 0, tasks: 0 }, limits, null, 1000)).toBeNull();
  });
});
