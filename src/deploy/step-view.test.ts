import { describe, expect, it } from 'vitest';
import { describeSeconds, toStepsView } from './step-view.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, s)).toISOString();
const row = (name: any, from: number, to: number | null, outcome: any = to === null ? null : 'done') => ({ name, started_at: at(from), finished_at: to === null ? null : at(to), outcome });

describe('toStepsView', () => {
  it('lists the steps that happened with their times, then Active', () => {
    const steps = toStepsView({ status: 'active', created_at: at(0), finished_at: at(30) }, [row('queued', 0, 1), row('fetch', 1, 3), row('build', 3, 20), row('rollout', 20, 24), row('health', 24, 29)], Date.parse(at(40)));
    expect(steps.map((s) => [s.label, s.state, s.seconds])).toEqual([
      ['Queued', 'done', 1], ['Fetch source', 'done', 2], ['Build image', 'done', 17], ['Roll out', 'done', 4], ['Health check', 'done', 5], ['Active', 'done', null],
    ]);
    expect(steps.at(-1)!.startedAt).toBe(at(29));
  });

  it('shows the step that runs with its time so far, and no step that did not happen', () => {
    const steps = toStepsView({ status: 'deploying', created_at: at(0), finished_at: null }, [row('queued', 0, 1), row('rollout', 1, null)], Date.parse(at(7)));
    expect(steps.map((s) => [s.name, s.state, s.seconds])).toEqual([['queued', 'done', 1], ['rollout', 'running', 6]]);
  });

  it('marks where it failed, and ends with the failure', () => {
    const steps = toStepsView({ status: 'failed', created_at: at(0), finished_at: at(9) }, [row('queued', 0, 1), row('release', 1, 9, 'failed')], Date.parse(at(20)));
    expect(steps.map((s) => [s.label, s.state])).toEqual([['Queued', 'done'], ['Pre-deploy command', 'failed'], ['Failed', 'failed']]);
  });

  it('shows the wait of one never picked up: running while queued, cancelled when given up', () => {
    expect(toStepsView({ status: 'queued', created_at: at(0), finished_at: null }, [], Date.parse(at(3))).map((s) => [s.name, s.state, s.seconds])).toEqual([['queued', 'running', 3]]);
    expect(toStepsView({ status: 'superseded', created_at: at(0), finished_at: at(5) }, [], Date.parse(at(9))).map((s) => [s.label, s.state, s.seconds])).toEqual([
      ['Queued', 'cancelled', 5], ['Replaced by a newer deployment', 'cancelled', null],
    ]);
  });

  it('ends one that served and was replaced at Active', () => {
    const steps = toStepsView({ status: 'superseded', created_at: at(0), finished_at: at(50) }, [row('queued', 0, 1), row('rollout', 1, 2), row('health', 2, 4)], Date.parse(at(60)));
    expect(steps.map((s) => s.name)).toEqual(['queued', 'rollout', 'health', 'active']);
  });
});

describe('describeSeconds', () => {
  it('says durations as people do', () => {
    expect([0.42, 12.4, 125, 120].map(describeSeconds)).toEqual(['0.4 s', '12 s', '2 min 5 s', '2 min']);
  });
});
