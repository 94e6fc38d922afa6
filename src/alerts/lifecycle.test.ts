// Unit: an alert fires once its condition has held long enough, repeats at its interval, is
// resolved once the condition has stayed away long enough, and a flapping condition is one alert.
import { describe, expect, it } from 'vitest';
import { type AlertPolicy, type AlertState, policyOf, step } from './lifecycle.js';

const policy: AlertPolicy = { forS: 120, clearS: 180, repeatS: 3600 };

/** Runs a condition minute by minute (1 holds, 0 not) and says what was sent, at which minute. */
function run(pattern: string, p = policy): string[] {
  let state: AlertState | null = null;
  const sent: string[] = [];
  [...pattern].forEach((c, minute) => {
    const s = step(state, c === '1', minute * 60, p);
    state = s.state;
    if (s.send) sent.push(`${s.send}@${minute}`);
  });
  return sent;
}

describe('an alert', () => {
  it('fires once its condition has held for its time, not on a blip', () => {
    expect(run('1100000')).toEqual([]);
    // A crash loop seen only between its restarts (holding every other minute): it fires all the same.
    expect(run('10'.repeat(4))).toEqual(['firing@2']);
    // Away for its whole clear time while pending: the count starts again.
    expect(run('1' + '0000' + '11')).toEqual([]);
    expect(run('111')).toEqual(['firing@2']);
    expect(run('1', { ...policy, forS: 0 })).toEqual(['firing@0']);
  });

  it('says it again every repeat interval while it lasts, and never with no interval', () => {
    expect(run('1'.repeat(125))).toEqual(['firing@2', 'repeat@62', 'repeat@122']);
    expect(run('1'.repeat(125), { ...policy, repeatS: null })).toEqual(['firing@2']);
  });

  it('is resolved once the condition has stayed away for its time, once', () => {
    // Away from minute 3: three minutes later.
    expect(run('111' + '0'.repeat(5))).toEqual(['firing@2', 'resolved@6']);
  });

  it('stays one alert while the condition comes and goes inside the clear time (flapping)', () => {
    expect(run('111' + '0011'.repeat(10) + '0000')).toEqual(['firing@2', 'resolved@46']);
    // Away for its whole clear time, then back: a new alert, after holding again for its time.
    expect(run('111' + '0000' + '111')).toEqual(['firing@2', 'resolved@6', 'firing@9']);
  });
});

describe('a policy', () => {
  it('refuses reminders more often than every 5 minutes, a clear time under a minute, and anything over a week', () => {
    expect(policyOf({ forS: 0, clearS: 60, repeatS: null })).toEqual({ forS: 0, clearS: 60, repeatS: null });
    for (const bad of [{ forS: 0, clearS: 60, repeatS: 0 }, { forS: 0, clearS: 0, repeatS: null }, { forS: -1, clearS: 60, repeatS: null }, { forS: 8 * 86_400, clearS: 60, repeatS: null }, { forS: 1.5, clearS: 60, repeatS: null }]) {
      expect(() => policyOf(bad), JSON.stringify(bad)).toThrow(RangeError);
    }
  });
});
